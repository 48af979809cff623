/* Route maps: one polyline per route through its numbered stops, Leaflet served locally.
 *
 * The data comes from the page with json_script: [{label, colour, stops: [{lat, lng,
 * sequence, name, eta, kind, done}]}]. Stops are vector circle markers, so the map works
 * without a tile server; tiles are added only when MAP_TILE_URL is configured.
 */
(function () {
  "use strict";

  var EMPTY_ZOOM = 14;

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Built from DOM nodes with textContent, so names are never parsed as HTML.
  function popupFor(route, stop) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = stop.sequence + ". " + stop.name;
    box.appendChild(title);
    [stop.kind + " " + stop.eta, route.label].forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function drawRoute(map, route) {
    var points = route.stops.map(function (stop) { return [stop.lat, stop.lng]; });
    var layers = [];
    if (points.length > 1) {
      layers.push(L.polyline(points, { color: route.colour, weight: 4, opacity: 0.8 }).addTo(map));
    }
    route.stops.forEach(function (stop) {
      // The stop's number on the map, as in the list below it.
      layers.push(L.marker([stop.lat, stop.lng], {
        icon: L.divIcon({
          className: "route-stop-number",
          html: "<span style=\"border-color:" + route.colour + "\">" + Number(stop.sequence) + "</span>",
          iconSize: [24, 24],
        }),
        keyboard: false,
        interactive: false,
      }).addTo(map));
      layers.push(L.circleMarker([stop.lat, stop.lng], {
        radius: 8,
        weight: 2,
        color: route.colour,
        fillColor: stop.done ? "#ffffff" : route.colour,
        fillOpacity: 0.95,
      }).bindPopup(popupFor(route, stop)).addTo(map));
    });
    return layers;
  }

  // Without a tile server: the delivery zone, the hub, a 500 m grid and a scale, so the
  // stops sit on something a courier can read instead of a grey box.
  function drawBase(map, config) {
    (config.zones || []).forEach(function (zone) {
      L.circle([zone.lat, zone.lng], {
        radius: zone.radius, color: "#5b6770", weight: 1, dashArray: "6 6", fill: false,
        interactive: false,
      }).addTo(map);
    });
    if (config.hub) {
      L.circleMarker([config.hub.lat, config.hub.lng], {
        radius: 6, color: "#333333", weight: 2, fillColor: "#ffffff", fillOpacity: 1,
      }).bindTooltip(config.hub.name).addTo(map);
    }
    var centre = config.centre || [52.2551, 6.1599];
    var dLat = 500 / 111320;
    var dLng = dLat / Math.cos(centre[0] * Math.PI / 180);
    for (var i = -12; i <= 12; i++) {
      var style = { color: "#c9d2cd", weight: 1, interactive: false };
      L.polyline([[centre[0] + i * dLat, centre[1] - 12 * dLng], [centre[0] + i * dLat, centre[1] + 12 * dLng]], style).addTo(map);
      L.polyline([[centre[0] - 12 * dLat, centre[1] + i * dLng], [centre[0] + 12 * dLat, centre[1] + i * dLng]], style).addTo(map);
    }
  }

  function buildMap(container) {
    var routes = readJson(container.dataset.routesMap) || [];
    var config = readJson(container.dataset.mapConfig) || {};
    container.classList.add("is-ready");
    var map = L.map(container, { scrollWheelZoom: false });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    } else {
      drawBase(map, config);
    }
    L.control.scale({ imperial: false }).addTo(map);
    var layers = [];
    routes.forEach(function (route) { layers = layers.concat(drawRoute(map, route)); });
    if (layers.length) {
      map.fitBounds(L.featureGroup(layers).getBounds(), { padding: [24, 24], maxZoom: 17 });
    } else {
      map.setView(config.centre || [52.2551, 6.1599], EMPTY_ZOOM);
    }
  }

  function init() {
    if (typeof L === "undefined") {
      return; // Leaflet failed to load: the list of stops carries everything.
    }
    document.querySelectorAll("[data-routes-map]").forEach(buildMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
