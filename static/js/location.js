// Where a visit was recorded: asked for when the form opens (a fix takes a while indoors),
// used when it is saved. Optional: a refused permission or no fix saves without one.
let fix = null;
let pending = null;

// One position, or null when the phone cannot or may not say. The list of stores asks too.
export function locate(options = { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 }) {
  if (!navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => resolve({ lat: coords.latitude, lon: coords.longitude, accuracy_m: Math.round(coords.accuracy * 10) / 10 }),
      () => resolve(null),
      options,
    );
  });
}

// `tell(key, metres)` says how it goes: asked, found (with its accuracy), or none to be had.
export function startFix(tell = () => {}) {
  fix = null;
  tell('location_waiting');
  pending = locate().then((found) => {
    fix = found;
    if (found) tell('location_taken', Math.round(found.accuracy_m));
    else tell('location_none');
    return found;
  });
}

// The fix for a save: the one already found, else wait a little for the one on its way.
export async function fixForSave(waitMs = 3000) {
  if (fix || !pending) return fix;
  return Promise.race([pending, new Promise((resolve) => { setTimeout(() => resolve(null), waitMs); })]);
}
