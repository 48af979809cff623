/* Shop maps: markers from data embedded in the page with json_script, Leaflet served locally.
 *
 * Markers are circle markers (vector), not image icons, so they show with or without a tile
 * server and without depending on where Leaflet's marker images end up after collectstatic.
 * The tile layer is added only when MAP_TILE_URL is configured.
 */
(function () {
  "use strict";

  var OPEN_COLOUR = "#1e7b34";
  var CLOSED_COLOUR = "#6c757d";
  var SINGLE_SHOP_ZOOM = 17;
  var EMPTY_ZOOM = 15;

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Popups are built from DOM nodes with textContent, so shop names are never parsed as HTML.
  function popupFor(shop) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = shop.url;
    link.textContent = shop.name;
    var title = document.createElement("strong");
    title.appendChild(link);
    box.appendChild(title);
    [shop.kind, shop.status].forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function markerFor(shop) {
    var colour = shop.open ? OPEN_COLOUR : CLOSED_COLOUR;
    return L.circleMarker([shop.lat, shop.lng], {
      radius: 9,
      weight: 2,
      color: "#ffffff",
      fillColor: colour,
      fillOpacity: 0.95,
    }).bindPopup(popupFor(shop));
  }

  function buildMap(container) {
    var shops = readJson(container.dataset.shopsMap) || [];
    var config = readJson(container.dataset.mapConfig) || {};
    // Shown before Leaflet measures it: a hidden container has no size to fit bounds into.
    container.classList.add("is-ready");
    var map = L.map(container, { scrollWheelZoom: false });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var markers = shops.map(function (shop) { return markerFor(shop).addTo(map); });
    if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), SINGLE_SHOP_ZOOM);
    } else if (markers.length > 1) {
      map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [24, 24] });
    } else {
      map.setView(config.centre || [52.2551, 6.1599], EMPTY_ZOOM);
    }
  }

  function init() {
    if (typeof L === "undefined") {
      return; // Leaflet failed to load: the list still leads to every shop.
    }
    document.querySelectorAll("[data-shops-map]").forEach(buildMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
