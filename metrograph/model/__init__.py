"""The domain: namespaces and IRIs, validity of dated claims, labels of terms, geometry."""
