"""Plumbing every app may use: bulk SQL, the formula-safe CSV writer, identifiers and names
made comparable, dates and small frame operations. It imports no safeguarding app, so any app
can import it without bending the flow (docs/architecture.md)."""
