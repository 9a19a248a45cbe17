"""The four languages of the interface: the switch, the formats, translated content and the
catalogs."""
