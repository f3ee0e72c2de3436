"""What pidshare prints: process tables, plain tables, text made safe for a terminal, and the
terminal `top` draws on."""
