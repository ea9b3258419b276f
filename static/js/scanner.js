// The barcode scanner: one tap opens the back camera full screen; the first EAN-13, EAN-8 or UPC-A
// read with a valid check digit closes it. It reads with the browser's BarcodeDetector where that
// one decodes a barcode drawn here (some browsers expose one that finds nothing), else with the
// zxing-wasm reader served by the app itself (static/vendor/README.md), fetched on first use and
// kept by the service worker for offline use. A refused camera falls back to typing.
import { el } from './form.js';
import { gtinProblem } from './rules.js';

const DECODER = '/static/vendor/zxing-wasm-3.1.8/';
const FRAME_EVERY_MS = 120;
const MAX_WIDTH = 1280; // wider frames are scaled down: the bars stay readable, the decode stays quick

// ---- a known barcode, to see whether the browser's own detector really decodes -------------
const L_CODES = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];
const rCode = (digit) => [...L_CODES[digit]].map((bit) => (bit === '1' ? '0' : '1')).join('');
const gCode = (digit) => [...rCode(digit)].reverse().join('');
const SAMPLE = '4006381333931';

// The modules (1 = bar) of an EAN-13 symbol.
export function ean13Modules(code) {
  const digits = [...code].map(Number);
  let bits = '101';
  for (let i = 1; i <= 6; i += 1) bits += PARITY[digits[0]][i - 1] === 'L' ? L_CODES[digits[i]] : gCode(digits[i]);
  bits += '01010';
  for (let i = 7; i <= 12; i += 1) bits += rCode(digits[i]);
  return `${bits}101`;
}

function drawSample() {
  const bits = ean13Modules(SAMPLE);
  const module = 3;
  const canvas = Object.assign(document.createElement('canvas'), { width: (bits.length + 20) * module, height: 120 });
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000';
  [...bits].forEach((bit, i) => { if (bit === '1') context.fillRect((i + 10) * module, 10, module, 100); });
  return canvas;
}

async function nativeReader() {
  if (!('BarcodeDetector' in window)) return null;
  try {
    const wanted = ['ean_13', 'ean_8', 'upc_a'];
    const supported = await window.BarcodeDetector.getSupportedFormats();
    if (!wanted.every((format) => supported.includes(format))) return null;
    const detector = new window.BarcodeDetector({ formats: wanted });
    const found = await detector.detect(drawSample());
    if (found[0]?.rawValue !== SAMPLE) return null;
    return async (canvas) => (await detector.detect(canvas))[0]?.rawValue;
  } catch {
    return null;
  }
}

async function wasmReader() {
  const start = performance.now();
  const zxing = await import(`${DECODER}es/reader/index.js`);
  // Never the package's default (a CDN): the .wasm comes from the app, through the service worker.
  await zxing.prepareZXingModule({
    overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? `${DECODER}reader/${path}` : prefix + path) },
    fireImmediately: true,
  });
  performance.measure('barcode-decoder-load', { start });
  const options = { formats: ['EAN13', 'EAN8', 'UPCA'], tryHarder: true, maxNumberOfSymbols: 1 };
  return async (canvas) => {
    const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return (await zxing.readBarcodes(image, options))[0]?.text;
  };
}

let reader = null;
const chooseReader = () => {
  reader ??= (async () => (await nativeReader()) || wasmReader())().catch((error) => {
    reader = null; // offline before the decoder was ever fetched: tried again next time
    throw error;
  });
  return reader;
};

// ---- the scanner's screen -------------------------------------------------------------------
// Resolves with {code} when a barcode is read, {message} when the camera or the reader cannot
// work (the form then asks for the number), or {} when the inspector closes it.
export function readBarcode({ t }) {
  return new Promise((resolve) => {
    const video = el('video', { playsinline: '', muted: '', autoplay: '', 'aria-hidden': 'true' });
    const said = el('p', { class: 'scanner-status', role: 'status' }, t('scan_starting'));
    const typing = el('button', { type: 'button' }, t('scan_type'));
    const cancel = el('button', { type: 'button' }, t('scan_cancel'));
    const screen = el('div', { class: 'scanner', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('scan') },
      video, el('div', { class: 'scanner-aim', 'aria-hidden': 'true' }), said, el('div', { class: 'scanner-actions' }, typing, cancel));
    document.body.append(screen);
    cancel.focus();
    let stream = null;
    let open = true;

    const finish = (result) => {
      if (!open) return;
      open = false;
      for (const track of stream?.getTracks() || []) track.stop();
      screen.remove();
      resolve(result);
    };
    cancel.addEventListener('click', () => finish({}));
    typing.addEventListener('click', () => finish({ message: '' }));
    screen.addEventListener('keydown', (event) => { if (event.key === 'Escape') finish({}); });

    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch {
        finish({ message: t('scan_refused') });
        return;
      }
      if (!open) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      video.srcObject = stream;
      await video.play().catch(() => {});
      said.textContent = t('scan_loading');
      let decode;
      try {
        decode = await chooseReader();
      } catch {
        finish({ message: t('scan_no_reader') });
        return;
      }
      said.textContent = t('scan_aim');
      const canvas = document.createElement('canvas');
      const context = canvas.getContext('2d', { willReadFrequently: true });
      while (open) {
        if (video.readyState >= 2 && video.videoWidth) {
          const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          const code = await decode(canvas).catch(() => null);
          if (code && !gtinProblem(code)) {
            navigator.vibrate?.(60);
            finish({ code });
            return;
          }
        }
        await new Promise((wait) => { setTimeout(wait, FRAME_EVERY_MS); });
      }
    })();
  });
}

// Fetch the decoder's files into the service worker's cache while there is a network, so that the
// first scan in a store with no signal still works. Not run: they stay in the cache, not the page.
export function warmDecoder() {
  if (!navigator.onLine) return;
  for (const path of ['es/reader/index.js', 'es/share.js', 'reader/zxing_reader.wasm']) {
    fetch(`${DECODER}${path}`, { credentials: 'same-origin' }).catch(() => {});
  }
}
