// The SPARQL query page: run the query with fetch, render SPARQL JSON as a table.
// No dependencies. Every value from the server is inserted with textContent, never as HTML.
(function () {
  "use strict";

  const page = document.getElementById("sparql-page");
  if (!page) return;
  const endpoint = page.dataset.endpoint;
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const format = document.getElementById("format");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const downloads = document.getElementById("downloads");
  // the page's words, in its language (templates/sparql.html)
  const T = JSON.parse(document.getElementById("sparql-text").textContent);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // the first keyword after comments, BASE and PREFIX declarations
  function queryForm(text) {
    const stripped = text.replace(/#[^\n]*/g, " ")
      .replace(/\b(PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)/gi, " ");
    const match = stripped.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
    return match ? match[1].toUpperCase() : null;
  }

  function updateDownloads() {
    const query = textarea.value;
    const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(query));
    downloads.hidden = !query.trim();
    downloads.querySelectorAll("a[data-format]").forEach(function (link) {
      const name = link.dataset.format;
      const isGraphFormat = ["ttl", "nt", "jsonld", "rdf"].includes(name);
      link.hidden = graph !== isGraphFormat;
      const params = new URLSearchParams({ query: query, format: name });
      link.href = endpoint + "?" + params.toString();
    });
    downloads.querySelectorAll(".graph-only").forEach(function (span) {
      span.hidden = !graph;
    });
  }

  function renderTerm(term) {
    if (!term) { const none = el("span", "", "unbound"); none.title = T.unbound; return none; }
    if (term.type === "uri") {
      // only web IRIs become links: a javascript: or data: IRI from the data stays text
      if (!/^https?:\/\//i.test(term.value)) return el("span", term.value, "uri");
      const link = el("a", term.value);
      link.href = term.value;
      link.rel = "nofollow noopener noreferrer";
      return link;
    }
    const span = el("span", term.type === "bnode" ? "_:" + term.value : term.value, term.type);
    if (term["xml:lang"]) span.appendChild(el("small", " @" + term["xml:lang"], "lang"));
    else if (term.datatype && term.type === "literal") {
      const local = term.datatype.replace(/^.*[#/]/, "");
      span.appendChild(el("small", " ^^" + local, "datatype"));
    }
    return span;
  }

  function renderJson(data) {
    results.replaceChildren();
    if (typeof data.boolean === "boolean") {
      results.appendChild(el("p", "ASK → " + data.boolean, "boolean"));
      return;
    }
    const vars = data.head.vars || [];
    const rows = data.results.bindings;
    results.appendChild(el("p", rows.length + " " + (rows.length === 1 ? T.row : T.rows), "count"));
    const table = el("table");
    const head = table.createTHead().insertRow();
    vars.forEach(function (name) { head.appendChild(el("th", "?" + name)); });
    const body = table.createTBody();
    rows.forEach(function (row) {
      const tr = body.insertRow();
      vars.forEach(function (name) { tr.insertCell().appendChild(renderTerm(row[name])); });
    });
    const wrapper = el("div", undefined, "table-wrapper");
    wrapper.appendChild(table);
    results.appendChild(wrapper);
  }

  async function run(event) {
    if (event) {
      if (format.value !== "html") return; // plain form submission: the server sends the file
      event.preventDefault();
    }
    const query = textarea.value;
    const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(query));
    status.textContent = T.running;
    results.replaceChildren();
    updateDownloads();
    const started = performance.now();
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: graph ? "text/turtle" : "application/sparql-results+json",
        },
        body: new URLSearchParams({ query: query }),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2).replace(".", T.decimal);
      if (!response.ok) {
        status.textContent = T.error + " " + response.status + " " + T.after + " " + seconds + " s";
        results.appendChild(el("pre", await response.text(), "error"));
        return;
      }
      status.textContent = T.done + " " + seconds + " s";
      if (graph) results.appendChild(el("pre", await response.text(), "graph"));
      else renderJson(await response.json());
    } catch (error) {
      status.textContent = T.failed;
      results.appendChild(el("pre", String(error), "error"));
    }
  }

  const exampleData = document.getElementById("example-data");
  if (exampleData) {
    const examples = JSON.parse(exampleData.textContent);
    document.querySelectorAll("button[data-example]").forEach(function (button) {
      button.addEventListener("click", function () {
        textarea.value = examples[Number(button.dataset.example)].text;
        updateDownloads();
        textarea.focus();
      });
    });
  }

  form.addEventListener("submit", run);
  textarea.addEventListener("input", updateDownloads);
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(event);
  });
  updateDownloads();
  if (page.dataset.autorun === "true") run();
})();
