// The parts of the survey form used in the store, loaded with the first form opened (the shell's
// budget): the checkout tally (tally.js) and the eco-labelled products (products-view.js), with
// their styles and messages. Also fetches the barcode decoder into the cache while online.
import { productsView } from './products-view.js';
import { tallyView } from './tally.js';

function addStyles() {
  if (document.querySelector('link[data-part="in-store"]')) return;
  const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/static/css/in-store.css' });
  link.dataset.part = 'in-store';
  document.head.append(link);
}

export function inStore({ t, getDraft, changed, show, vocab, photoPart }) {
  addStyles();
  const tally = tallyView({ t, getDraft, changed, show, vocab });
  const products = productsView({ t, getDraft, changed, vocab, photoPart });
  // A certificate is judged on the visit day: another day may change what counts.
  document.querySelector('#f-visited').addEventListener('change', () => products.draw());
  import('./scanner.js').then((scanner) => scanner.warmDecoder(), () => {});
  return {
    async render() {
      tally.render();
      await products.render();
    },
    closeTally: () => tally.close(),
  };
}
