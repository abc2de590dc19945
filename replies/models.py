"""Reply letters, numbering, signing and feedback."""
