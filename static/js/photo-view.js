// The photo part of the survey form: take a photo, see it with its size, caption it, remove it.
// Each photo is kept in IndexedDB as soon as it is taken; the draft lists the ids in order.
import * as photos from './photos.js';

const $ = (selector) => document.querySelector(selector);

export function photoView({ owner, t, getDraft, changed }) {
  let urls = [];

  async function render() {
    const draft = getDraft();
    for (const url of urls) URL.revokeObjectURL(url);
    urls = [];
    if (!draft) return;
    const kept = new Map((await photos.ofSurvey(draft.id)).map((record) => [record.id, record]));
    const listed = (draft.photos || []).filter((photo) => kept.has(photo.id));
    $('#photo-list').replaceChildren(...listed.map((photo, index) => {
      const record = kept.get(photo.id);
      const url = URL.createObjectURL(record.blob);
      urls.push(url);
      const item = document.createElement('li');
      const image = Object.assign(document.createElement('img'), { src: url, alt: `${t('photo')} ${index + 1}` });
      const size = Object.assign(document.createElement('span'), { className: 'small muted' });
      size.textContent = `${t('photo')} ${index + 1} · ${photos.sizeText(record.size)} (${t('photo_from')} ${photos.sizeText(record.originalSize)})`;
      const caption = Object.assign(document.createElement('input'), {
        type: 'text', value: photo.caption, maxLength: 120, placeholder: t('photo_caption'),
      });
      caption.setAttribute('aria-label', `${t('photo_caption')} ${index + 1}`);
      caption.dataset.photo = photo.id;
      const drop = Object.assign(document.createElement('button'), { type: 'button', textContent: t('photo_remove') });
      drop.dataset.removePhoto = photo.id;
      drop.className = 'danger';
      // One tap for the usual captions instead of typing them.
      const ideas = Object.assign(document.createElement('div'), { className: 'caption-ideas' });
      ideas.append(...t('caption_ideas').map((idea) => {
        const chip = Object.assign(document.createElement('button'), { type: 'button', textContent: idea });
        chip.className = 'chip';
        chip.dataset.caption = idea;
        chip.dataset.photo = photo.id;
        return chip;
      }));
      item.append(image, size, caption, ideas, drop);
      return item;
    }));
    $('#photo-add').hidden = listed.length >= photos.MAX_PHOTOS;
    const carried = draft.carried ? ` · ${t('photos_carried', draft.carried)}` : '';
    $('#photo-status').textContent = `${listed.length} / ${photos.MAX_PHOTOS}${carried}`;
  }

  // `caption` names what the photo shows when the form knows it (a product's pack).
  async function onFile(event, caption = '') {
    const input = event.target;
    const file = input.files[0];
    input.value = '';
    const draft = getDraft();
    if (!file || !draft) return;
    if ((draft.photos || []).length >= photos.MAX_PHOTOS) return;
    $('#photo-status').textContent = t('photo_working');
    try {
      const record = await photos.keep(owner, draft.id, await photos.shrink(file));
      const current = getDraft(); // the same draft, perhaps with more typed meanwhile
      current.photos = [...(current.photos || []), { id: record.id, caption }];
      await changed();
    } catch {
      $('#photo-status').textContent = t('photo_unreadable');
      return;
    }
    await render();
  }

  async function setCaption(id, caption, now) {
    const draft = getDraft();
    if (!draft) return;
    draft.photos = draft.photos.map((photo) => (photo.id === id ? { ...photo, caption } : photo));
    await changed(now);
  }

  async function onCaption(event) {
    if (!event.target.dataset.photo) return;
    event.stopPropagation(); // not a count: the form's own input handler has nothing to do
    await setCaption(event.target.dataset.photo, event.target.value, false);
  }

  async function onClick(event) {
    const { caption, photo } = event.target.dataset;
    if (caption && photo) {
      event.target.closest('li').querySelector('input').value = caption;
      await setCaption(photo, caption, true);
      return;
    }
    const id = event.target.dataset.removePhoto;
    const draft = getDraft();
    if (!id || !draft || !window.confirm(t('photo_confirm_remove'))) return;
    draft.photos = draft.photos.filter((photo) => photo.id !== id);
    await changed();
    await photos.forget(id);
    await render();
  }

  return { render, onFile, onCaption, onClick };
}
