# Meetings, agendas, decisions and actions are about people: they are read on the panel's own
# pages, through the need-to-know gate, never in the admin pages (docs/security.md).
