"""Every form and every query-string filter of the site and the admin, driven with generated
input: whatever is sent, the answer is never a server error."""
