"""The planner's views: map, membership explorer, timeline and question catalogue (their data)."""
