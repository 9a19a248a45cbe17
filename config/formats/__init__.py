"""Date formats where Django's own do not fit the site (FORMAT_MODULE_PATH). A name not set
here falls back to Django's module for the language."""
