"""The joint programme before two countries that the tests of the bilateral record share."""

from tests.bilateral import world  # noqa: F401 (a fixture)
