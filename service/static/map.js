// The query city and its suggested partners as an inline SVG (equirectangular projection).
// Drawn from the coordinates in the API answer: no tiles, no map library, nothing fetched.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
// keep the map readable on a phone and not taller than a laptop screen
const MIN_ASPECT = 0.45; // height / width
const MAX_ASPECT = 0.8;

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

const hasCoords = (c) => c && Number.isFinite(c.latitude) && Number.isFinite(c.longitude);

/** A graticule step giving a handful of lines over ``span`` degrees. */
function gridStep(span) {
  for (const step of [1, 2, 5, 10, 15, 20, 30]) if (span / step <= 8) return step;
  return 45;
}

/**
 * Bounds around the points with some margin, widened so the map keeps a sensible aspect.
 * Longitudes are scaled by cos(mid-latitude) (the standard parallel) so shapes near the
 * map's centre are not stretched.
 */
function bounds(points) {
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  let [south, north] = [Math.min(...lats), Math.max(...lats)];
  let [west, east] = [Math.min(...lons), Math.max(...lons)];
  const padLat = Math.max(4, (north - south) * 0.15);
  const padLon = Math.max(6, (east - west) * 0.12);
  south -= padLat; north += padLat; west -= padLon; east += padLon;
  const scale = Math.cos(((south + north) / 2) * Math.PI / 180) || 1;
  const aspect = (north - south) / ((east - west) * scale);
  if (aspect < MIN_ASPECT) {
    const grow = ((east - west) * scale * MIN_ASPECT - (north - south)) / 2;
    south -= grow; north += grow;
  } else if (aspect > MAX_ASPECT) {
    const grow = ((north - south) / MAX_ASPECT / scale - (east - west)) / 2;
    west -= grow; east += grow;
  }
  south = Math.max(south, -89); north = Math.min(north, 89);
  west = Math.max(west, -180); east = Math.min(east, 180);
  return { south, north, west, east, scale };
}

/**
 * SVG element for ``query`` (a city summary, may lack coordinates) and ``partners``
 * (partner suggestions); null when no city has coordinates.
 */
export function renderMap(query, partners) {
  const located = partners.filter((p) => hasCoords(p.city));
  const origin = hasCoords(query) ? query : null;
  const points = [...(origin ? [origin] : []), ...located.map((p) => p.city)];
  if (!points.length) return null;

  const b = bounds(points);
  const k = WIDTH / ((b.east - b.west) * b.scale);
  const height = Math.round((b.north - b.south) * k);
  const x = (lon) => ((lon - b.west) * b.scale * k).toFixed(1);
  const y = (lat) => ((b.north - lat) * k).toFixed(1);

  const names = located.map((p) => `${p.rank}. ${p.city.name} (${p.city.country})`).join(", ");
  const svg = s("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: "map",
    role: "img",
    "aria-labelledby": "map-title map-desc",
  });
  svg.append(
    s("title", { id: "map-title" }, `Map of ${origin ? origin.name : "the query city"} and its suggested partners`),
    s("desc", { id: "map-desc" }, `Suggested partners: ${names || "none with coordinates"}.` +
      (origin ? "" : " The query city has no coordinates, so it is not drawn.")),
    s("rect", { x: 0, y: 0, width: WIDTH, height, class: "map-sea" }),
  );

  // light graticule with degree labels, so distances and directions can be read
  const grid = s("g", { class: "map-grid" });
  const step = gridStep(Math.max(b.east - b.west, b.north - b.south));
  for (let lon = Math.ceil(b.west / step) * step; lon <= b.east; lon += step) {
    grid.append(s("line", { x1: x(lon), x2: x(lon), y1: 0, y2: height }));
    grid.append(s("text", { x: Number(x(lon)) + 3, y: height - 4 }, `${Math.abs(lon)}°${lon < 0 ? "W" : "E"}`));
  }
  for (let lat = Math.ceil(b.south / step) * step; lat <= b.north; lat += step) {
    grid.append(s("line", { x1: 0, x2: WIDTH, y1: y(lat), y2: y(lat) }));
    grid.append(s("text", { x: 3, y: Number(y(lat)) - 3 }, `${Math.abs(lat)}°${lat < 0 ? "S" : "N"}`));
  }
  svg.append(grid);

  if (origin) {
    const links = s("g", { class: "map-links" });
    for (const p of located) {
      links.append(s("line", {
        x1: x(origin.longitude), y1: y(origin.latitude), x2: x(p.city.longitude), y2: y(p.city.latitude),
      }));
    }
    svg.append(links);
  }

  // Greedy label placement: the query city first, then partners by rank; each label takes the
  // first spot around its point that overlaps no label placed before it. Close cities (a
  // neighbour 14 km away) would otherwise print on top of each other; when no spot is free the
  // label shrinks to the rank number, which the list beside the map explains.
  const placed = [];
  const CHAR_W = 6.6; // average glyph width of the 12px label font
  const LINE_H = 14;
  const overlaps = (r) => placed.some((q) => r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h);
  const place = (px, py, text, short) => {
    for (const t of [text, short]) {
      const w = t.length * CHAR_W;
      const spots = [
        [px + 9, py - LINE_H / 2], [px - 9 - w, py - LINE_H / 2], [px + 6, py - LINE_H - 6],
        [px + 6, py + 6], [px - w - 6, py - LINE_H - 6], [px - w - 6, py + 6],
      ];
      for (const [lx, ly] of spots) {
        const r = { x: lx, y: ly, w, h: LINE_H };
        if (lx < 0 || lx + w > WIDTH || ly < 0 || ly + LINE_H > height || overlaps(r)) continue;
        placed.push(r);
        return s("text", { x: lx.toFixed(1), y: (ly + LINE_H - 3).toFixed(1) }, t);
      }
    }
    // crowded everywhere: the rank number right of the point, overlap or not, so no point is unnamed
    return s("text", { x: (px + 8).toFixed(1), y: (py + 4).toFixed(1) }, short);
  };
  const marks = s("g", { class: "map-points" });
  const labels = s("g", { class: "map-labels" });
  const dots = [];
  if (origin) {
    const px = Number(x(origin.longitude));
    const py = Number(y(origin.latitude));
    // the marker itself is an obstacle for the partners' labels
    placed.push({ x: px - 6, y: py - 6, w: 12, h: 12 });
    const g = s("g", { class: "map-origin" });
    g.append(s("rect", { x: px - 6, y: py - 6, width: 12, height: 12 }));
    g.append(place(px, py, origin.name, origin.name));
    dots.push(g);
  }
  for (const p of located) {
    const px = Number(x(p.city.longitude));
    const py = Number(y(p.city.latitude));
    const g = s("g", { class: "map-partner" });
    g.append(s("circle", { cx: px, cy: py, r: 5 }));
    labels.append(place(px, py, `${p.rank}. ${p.city.name}`, String(p.rank)));
    marks.append(g);
  }
  // the query city drawn over the partner dots, the partner labels over every marker
  marks.append(...dots);
  svg.append(marks, labels);
  return svg;
}
