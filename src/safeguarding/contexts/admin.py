# Contexts name young people and places they go: they are read on their own pages, through
# the need-to-know gate, never in the admin pages (docs/security.md).
