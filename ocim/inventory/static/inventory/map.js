/* The inventory's maps, on Leaflet (served from our own static files; no build step).
 *
 * - The map page (#inventory-map): actors from the map API, clustered by the server, redrawn
 *   when the map moves; or a choropleth of regions or departments (count, or per 100,000
 *   inhabitants) with its legend as text.
 * - Small maps (.inventory-minimap[data-lat][data-lon], e.g. on an actor's page): one point.
 *
 * The base layer is the repository's own boundaries (no tile server needed); tiles are added
 * only when the site configures them. Configuration and translated strings come from the JSON
 * block #inventory-map-config ({% inventory_map_assets %}). Nothing here is inline: the
 * Content-Security-Policy allows scripts from our origin only. Text from the data is always
 * set with textContent, never as HTML.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("inventory-map-config");
  if (!configElement || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var config = JSON.parse(configElement.textContent);
  var strings = config.strings;
  var plural = new Intl.PluralRules(config.language);
  var numbers = new Intl.NumberFormat(config.language);
  var decimals = new Intl.NumberFormat(config.language, { maximumFractionDigits: 1 });
  // Metropolitan France, the first view of the map page.
  var FRANCE = [[41.3, -5.2], [51.1, 9.6]];
  // Sequential colours of the choropleth (light to dark); map.css gives the legend the same.
  var PALETTE = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
  var NO_DATA = "#d9d9d9";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function actorsText(count, one, other) {
    return format(plural.select(count) === "one" ? one : other, { count: numbers.format(count) });
  }

  function getJson(url, signal) {
    return fetch(url, {
      signal: signal,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Accept-Language": config.language },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  var boundaryRequests = {};
  function boundaries(level) {
    if (!boundaryRequests[level]) {
      boundaryRequests[level] = getJson(config.boundariesUrl.replace("LEVEL", level));
    }
    return boundaryRequests[level];
  }

  // A Leaflet map with our controls, the credits and the base layer (departments).
  function baseMap(element, options) {
    element.dataset.mapReady = "true";
    var map = L.map(
      element,
      Object.assign(
        {
          zoomControl: false,
          attributionControl: false,
          minZoom: 2,
          maxZoom: 18,
          maxBounds: [[-90, -180], [90, 180]],
          maxBoundsViscosity: 1,
        },
        options || {}
      )
    );
    L.control.zoom({ zoomInTitle: strings.zoomIn, zoomOutTitle: strings.zoomOut }).addTo(map);
    L.control
      .attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' })
      .addAttribution(escapeHtml(strings.sources))
      .addTo(map);
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
    }
    var base = L.geoJSON(null, {
      interactive: false,
      style: {
        weight: 1,
        color: "#767d89",
        fill: !config.tileUrl,
        fillColor: "#f6f4f0",
        fillOpacity: 1,
      },
    }).addTo(map);
    boundaries("departments")
      .then(function (data) {
        base.addData(data);
        base.bringToBack();
      })
      .catch(function () {});
    return map;
  }

  // --- The map page ------------------------------------------------------------------------

  function mainMap(element) {
    var status = document.getElementById("inventory-map-status");
    var legend = document.getElementById("inventory-map-legend");
    var controls = document.getElementById("inventory-map-controls");
    var levelSelect = document.getElementById("map-level");
    var query = element.dataset.query;
    var map = baseMap(element);
    map.fitBounds(FRANCE);

    var outlines = L.geoJSON(null, {
      interactive: false,
      style: { weight: 2, color: "#3d4756", fill: false },
    }).addTo(map);
    boundaries("regions")
      .then(function (data) {
        outlines.addData(data);
      })
      .catch(function () {});

    var points = L.layerGroup().addTo(map);
    var areas = L.geoJSON(null);
    var mode = "points";
    var request = null;
    var timer = null;

    function withQuery(url) {
      return query ? url + (url.indexOf("?") < 0 ? "?" : "&") + query : url;
    }

    function failed(error) {
      if (!error || error.name !== "AbortError") {
        status.textContent = strings.failed;
      }
    }

    function zoomOn(feature, latlng) {
      var box = feature.bbox;
      var target = map.getZoom() + 2;
      if (box && (box[2] > box[0] || box[3] > box[1])) {
        var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
        target = Math.max(map.getBoundsZoom(bounds.pad(0.1)), map.getZoom() + 1);
        latlng = bounds.getCenter();
      }
      map.setView(latlng, Math.min(target, map.getMaxZoom()));
    }

    function clusterMarker(feature) {
      var count = feature.properties.count;
      var coordinates = feature.geometry.coordinates;
      var latlng = L.latLng(coordinates[1], coordinates[0]);
      var size = count < 10 ? "s" : count < 100 ? "m" : count < 1000 ? "l" : "xl";
      var label = document.createElement("span");
      label.textContent = numbers.format(count);
      var marker = L.marker(latlng, {
        icon: L.divIcon({
          className: "inventory-cluster inventory-cluster--" + size,
          html: label,
          iconSize: null,
        }),
        title: format(strings.zoomOnCluster, { count: numbers.format(count) }),
        keyboard: true,
        riseOnHover: true,
      });
      marker.on("click", function () {
        zoomOn(feature, latlng);
      });
      return marker;
    }

    function actorPopup(properties) {
      var box = document.createElement("div");
      var name = document.createElement(properties.url ? "a" : "strong");
      name.textContent = properties.name;
      if (properties.url) {
        name.href = properties.url;
        name.setAttribute("aria-label", format(strings.actorPage, { name: properties.name }));
      }
      var kind = document.createElement("p");
      kind.textContent = [properties.type_name, properties.family_name].filter(Boolean).join(" — ");
      box.appendChild(name);
      box.appendChild(kind);
      return box;
    }

    function actorMarker(feature) {
      var coordinates = feature.geometry.coordinates;
      var marker = L.marker([coordinates[1], coordinates[0]], {
        icon: L.divIcon({
          className: "inventory-point inventory-point--" + (feature.properties.family || "other"),
          iconSize: [16, 16],
        }),
        title: feature.properties.name,
        keyboard: true,
      });
      marker.bindPopup(actorPopup(feature.properties));
      return marker;
    }

    function loadPoints() {
      if (request) {
        request.abort();
      }
      request = new AbortController();
      var bounds = map.getBounds();
      var west = Math.max(-180, bounds.getWest());
      var east = Math.min(180, bounds.getEast());
      var south = Math.max(-90, bounds.getSouth());
      var north = Math.min(90, bounds.getNorth());
      if (!(west < east && south < north)) {
        return;
      }
      var zoom = Math.min(20, Math.max(0, Math.round(map.getZoom())));
      var url =
        element.dataset.featuresUrl +
        "?bbox=" +
        [west, south, east, north]
          .map(function (value) {
            return value.toFixed(5);
          })
          .join(",") +
        "&zoom=" +
        zoom;
      status.textContent = strings.loading;
      getJson(withQuery(url), request.signal)
        .then(function (data) {
          points.clearLayers();
          data.features.forEach(function (feature) {
            points.addLayer(
              feature.properties.kind === "cluster" ? clusterMarker(feature) : actorMarker(feature)
            );
          });
          status.textContent = actorsText(data.total, strings.shownOne, strings.shown);
        })
        .catch(failed);
    }

    function classOf(value, maximum) {
      if (value === null || value === undefined) {
        return -1;
      }
      if (value <= 0 || maximum <= 0) {
        return 0;
      }
      var steps = PALETTE.length - 1;
      // Class k (1 to steps) holds the values over maximum × (k - 1) / steps up to maximum × k / steps.
      return Math.min(steps, Math.max(1, Math.ceil((value / maximum) * steps)));
    }

    function showLegend(key, maximum, integers) {
      var show = integers ? numbers : decimals;
      legend.textContent = "";
      var title = document.createElement("p");
      title.className = "inventory-map-legend__title";
      title.textContent = key === "count" ? strings.legendCount : strings.legendPer100k;
      var list = document.createElement("ul");
      var steps = PALETTE.length - 1;
      function item(index, text) {
        var entry = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "inventory-map-legend__swatch inventory-map-legend__swatch--" + index;
        swatch.setAttribute("aria-hidden", "true");
        entry.appendChild(swatch);
        entry.appendChild(document.createTextNode(text));
        list.appendChild(entry);
      }
      item(0, show.format(0));
      for (var index = 1; index <= steps && maximum > 0; index += 1) {
        item(
          index,
          format(strings.range, {
            low: show.format((maximum * (index - 1)) / steps),
            high: show.format((maximum * index) / steps),
          })
        );
      }
      if (key !== "count") {
        item("none", strings.noData);
      }
      legend.appendChild(title);
      legend.appendChild(list);
      legend.hidden = false;
    }

    function loadAreas() {
      if (request) {
        request.abort();
      }
      request = new AbortController();
      var level = levelSelect.value === "department" ? "department" : "region";
      var key = mode;
      status.textContent = strings.loading;
      Promise.all([
        getJson(withQuery(element.dataset.choroplethUrl + "?level=" + level), request.signal),
        boundaries(level === "region" ? "regions" : "departments"),
      ])
        .then(function (results) {
          var data = results[0];
          var maximum = key === "count" ? data.max_count : data.max_per_100k || 0;
          map.removeLayer(areas);
          areas = L.geoJSON(results[1], {
            style: function (feature) {
              var area = data.areas[feature.properties.code];
              var index = classOf(area ? area[key] : null, maximum);
              return {
                weight: 1,
                color: "#16202e",
                fillOpacity: 0.85,
                fillColor: index < 0 ? NO_DATA : PALETTE[index],
              };
            },
            onEachFeature: function (feature, layer) {
              var area = data.areas[feature.properties.code];
              if (area) {
                var text = format(strings.areaTooltip, {
                  name: area.name,
                  actors: actorsText(area.count, strings.actorOne, strings.actorOther),
                });
                if (area.per_100k !== null) {
                  text += " — " + format(strings.per100k, { value: decimals.format(area.per_100k) });
                }
                layer.bindTooltip(escapeHtml(text), { sticky: true });
              }
            },
          }).addTo(map);
          showLegend(key, maximum, key === "count");
          status.textContent = actorsText(data.total, strings.shownOne, strings.shown);
        })
        .catch(failed);
    }

    function refresh() {
      if (mode === "points") {
        loadPoints();
      }
    }

    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 150);
    });

    function setMode(value) {
      mode = value;
      if (mode === "points") {
        map.removeLayer(areas);
        legend.hidden = true;
        points.addTo(map);
        levelSelect.disabled = true;
        loadPoints();
      } else {
        map.removeLayer(points);
        levelSelect.disabled = false;
        loadAreas();
      }
    }

    if (controls) {
      controls.hidden = false;
      controls.addEventListener("change", function (event) {
        if (event.target.name === "map-mode") {
          setMode(event.target.value);
        } else if (event.target === levelSelect && mode !== "points") {
          loadAreas();
        }
      });
    }
    levelSelect.disabled = true;
    loadPoints();
  }

  // --- Small maps --------------------------------------------------------------------------

  function miniMap(element) {
    var latitude = parseFloat(element.dataset.lat);
    var longitude = parseFloat(element.dataset.lon);
    if (!isFinite(latitude) || !isFinite(longitude)) {
      return;
    }
    if (!element.hasAttribute("aria-label")) {
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", strings.location);
    }
    var map = baseMap(element, { scrollWheelZoom: false });
    map.setView([latitude, longitude], 9);
    L.marker([latitude, longitude], {
      icon: L.divIcon({ className: "inventory-point inventory-point--here", iconSize: [18, 18] }),
      title: strings.location,
      keyboard: false,
    }).addTo(map);
  }

  // Loaded twice (a page adding a small map later), the script leaves the maps it drew alone.
  var page = document.getElementById("inventory-map");
  if (page && !page.dataset.mapReady) {
    mainMap(page);
  }
  Array.prototype.forEach.call(
    document.querySelectorAll(".inventory-minimap:not([data-map-ready])"),
    miniMap
  );
})();
