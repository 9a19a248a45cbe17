# Django's Russian formats write a day and month with the month in the nominative
# ("19 Декабрь"); inside a date it takes the genitive ("19 декабря"), as DATE_FORMAT has it.
MONTH_DAY_FORMAT = "j E"
