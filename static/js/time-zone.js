// Tells the server the browser's time zone, so that times are shown on the reader's own clock
// until they choose a zone in their settings. The server reads the cookie and ignores a name
// that is not one of the places it offers (accounts/time_zones.py: BROWSER_ZONE_COOKIE).
(function () {
  "use strict";
  var name = "dostlik_time_zone";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  // Zone names are letters, digits and "/_+-", all allowed in a cookie as they are.
  if (!zone || !/^[A-Za-z0-9_+\/-]+$/.test(zone)) {
    return;
  }
  // Written once, and again only when the browser's zone changes (a journey).
  if (document.cookie.split("; ").indexOf(name + "=" + zone) !== -1) {
    return;
  }
  document.cookie =
    name + "=" + zone + "; path=/; max-age=31536000; samesite=lax" +
    (location.protocol === "https:" ? "; secure" : "");
})();
