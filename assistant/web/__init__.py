"""Web door: JSON API and server-rendered page (thin: parse, call the core, render)."""
