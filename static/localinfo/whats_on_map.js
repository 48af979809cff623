/* The what's-on map: shops open now, events and parking, from data embedded with json_script.
 *
 * Like static/shops/map.js: circle markers (vector, no images) so the map shows with or
 * without a tile server; the tile layer is added only when MAP_TILE_URL is configured.
 * Popups are DOM nodes filled with textContent, so names are never parsed as HTML.
 */
(function () {
  "use strict";

  var COLOURS = { shop: "#1e7b34", event: "#8b1e3f", parking: "#1f4e9c" };

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function popupFor(item) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    if (item.url) {
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.name;
      title.appendChild(link);
    } else {
      title.textContent = item.name;
    }
    box.appendChild(title);
    [item.kind, item.status].forEach(function (text) {
      if (!text) { return; }
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function buildMap(container) {
    var items = readJson(container.dataset.whatsOnMap) || [];
    var config = readJson(container.dataset.mapConfig) || {};
    container.classList.add("is-ready");
    var map = L.map(container, { scrollWheelZoom: false });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var markers = items.map(function (item) {
      var marker = L.circleMarker([item.lat, item.lng], {
        radius: item.layer === "event" ? 10 : 8,
        weight: 2,
        color: "#ffffff",
        fillColor: COLOURS[item.layer] || "#6c757d",
        fillOpacity: item.open ? 0.95 : 0.5,
        className: "whats-on-marker whats-on-" + item.layer,
      }).bindPopup(popupFor(item));
      return marker.addTo(map);
    });
    if (markers.length > 1) {
      map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [24, 24] });
    } else if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), 16);
    } else {
      map.setView(config.centre || [52.2551, 6.1599], 15);
    }
    container.dataset.markers = String(markers.length);
  }

  function init() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-whats-on-map]").forEach(buildMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
