/* The town centre's widget for partner sites. Paste where the list should appear:
 *
 *   <script src="https://<marketplace>/static/localinfo/embed.js" data-stadsmarkt-widget
 *           data-show="events" data-partner="your-key" async></script>
 *
 * It puts an iframe of <marketplace>/local/widget/ after the script element: the list is
 * rendered by the marketplace, so the partner page runs no more of our code than this.
 * data-show: "events" (default) or "shops" (open now); data-limit: how many (1-30).
 */
(function () {
  "use strict";

  var scripts = document.querySelectorAll("script[data-stadsmarkt-widget]");
  Array.prototype.forEach.call(scripts, function (script) {
    if (script.dataset.embedded) { return; }
    script.dataset.embedded = "yes";
    var origin = new URL(script.src, document.baseURI).origin;
    var query = new URLSearchParams();
    query.set("show", script.dataset.show === "shops" ? "shops" : "events");
    if (script.dataset.partner) { query.set("partner", script.dataset.partner); }
    if (script.dataset.limit) { query.set("limit", script.dataset.limit); }
    var frame = document.createElement("iframe");
    frame.src = origin + "/local/widget/?" + query.toString();
    frame.title = script.dataset.title || "Stadsmarkt";
    frame.loading = "lazy";
    frame.style.border = "0";
    frame.style.width = script.dataset.width || "100%";
    frame.style.height = script.dataset.height || "420px";
    script.parentNode.insertBefore(frame, script.nextSibling);
  });
})();
