"""The permission matrix: every URL of the site and of the admin, requested by every role with
GET and with POST, answers as a hand-written table says.

- ``world`` builds the sample rows and the people, one per role.
- ``expectations`` holds what an answer may be (``OK``, ``LOGIN``, ``NF``, ``FORBID``…).
- ``site_rows`` and ``admin_rows`` are the table; ``urlconf`` walks Django's URLconf so that a
  URL pattern without a row fails the suite.
- ``test_matrix`` runs it.
"""
