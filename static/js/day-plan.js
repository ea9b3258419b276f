// The plan for a day: the stores the inspector ticked, in a short order from where they stand.
// Straight-line (haversine) distances only: no map service is needed or called. Nearest
// neighbour first, then 2-opt (reverse a stretch while that shortens the way); the start stays.

// Straight-line distance in km between two {lat, lon}.
export function km(a, b) {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2
    + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

export const pathKm = (path) => path.slice(1).reduce((sum, point, i) => sum + km(path[i], point), 0);

export function nearestNeighbour(start, stops) {
  const path = [start];
  const left = [...stops];
  while (left.length) {
    const last = path[path.length - 1];
    let best = 0;
    left.forEach((stop, i) => { if (km(last, stop) < km(last, left[best])) best = i; });
    path.push(...left.splice(best, 1));
  }
  return path;
}

function twoOpt(path) {
  const edge = (a, b) => (a && b ? km(a, b) : 0); // the way ends at the last store: no edge after it
  for (let improved = true; improved;) {
    improved = false;
    for (let i = 1; i < path.length - 1; i += 1) {
      for (let j = i + 1; j < path.length; j += 1) {
        const [a, b, c, d] = [path[i - 1], path[i], path[j], path[j + 1]];
        if (edge(a, c) + edge(b, d) < edge(a, b) + edge(c, d) - 1e-9) {
          path.splice(i, j - i + 1, ...path.slice(i, j + 1).reverse());
          improved = true;
        }
      }
    }
  }
  return path;
}

// `start` is where the inspector stands, or null: then the way begins at the first store ticked.
export function planDay(start, stops) {
  if (!stops.length) return { stops: [], km: 0 };
  const origin = start || stops[0];
  const path = twoOpt(nearestNeighbour(origin, start ? stops : stops.slice(1)));
  return { stops: start ? path.slice(1) : path, km: pathKm(path) };
}
