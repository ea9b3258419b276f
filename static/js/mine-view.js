// The surveys already sent, with their review: a returned one offers its correction, and one
// the server answered for and then lost (docs/sync.md) offers to be sent again.
import * as mine from './mine.js';
import * as outbox from './outbox.js';

const $ = (selector) => document.querySelector(selector);

// `showReturned(count)` draws the stores page's banner, which the start draws before this part loads.
export function mineView({ owner, t, when, showReturned }) {
  function surveyItem(survey, correcting) {
    const item = document.createElement('li');
    item.className = `outbox-item review-${survey.review_state}`;
    item.dataset.id = survey.id;
    const title = document.createElement('strong');
    title.textContent = `${survey.store_name || survey.store_code} · ${when(survey.visited_at)}`;
    const stateText = document.createElement('span');
    stateText.className = 'state';
    stateText.textContent = survey.superseded_by ? t('review_superseded') : t(`review_${survey.review_state}`);
    item.append(title, stateText);
    if (survey.review_comment) {
      const reason = document.createElement('p');
      reason.className = survey.review_state === 'approved' ? 'reason' : 'error reason';
      reason.textContent = `${t('review_reason')}: ${survey.review_comment} (${when(survey.reviewed_at)})`;
      item.append(reason);
    }
    if (mine.needsCorrection(survey)) item.append(correctionControl(survey, correcting));
    return item;
  }

  function correctionControl(survey, correcting) {
    if (correcting.has(survey.id)) {
      return Object.assign(document.createElement('span'), { className: 'state', textContent: t('correction_waiting') });
    }
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: t('correct') });
    button.dataset.correct = survey.id;
    button.className = 'primary';
    return button;
  }

  // Kept whole on the phone, so it can go again under the same id.
  function missingItem(entry) {
    const item = surveyItem({ ...entry.payload, store_name: entry.store_name, review_state: 'missing' }, new Set());
    item.querySelector('.state').textContent = t('missing_on_server');
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: t('retry') });
    button.dataset.resend = entry.id;
    button.className = 'primary';
    item.append(button);
    return item;
  }

  async function render() {
    const { fetchedAt, surveys } = await mine.loadMine(owner);
    const queued = await outbox.listOutbox(owner);
    const correcting = mine.beingCorrected(queued);
    const missing = await mine.missingOnServer(owner);
    document.body.classList.toggle('has-missing', missing.length > 0);
    const items = [...missing.map(missingItem), ...surveys.map((survey) => surveyItem(survey, correcting))];
    $('#mine-list').replaceChildren(...items);
    $('#mine-updated').textContent = fetchedAt ? `${t('list_updated')}: ${when(fetchedAt)}` : t('mine_never');
    showReturned(mine.returnedCount(surveys, correcting));
  }

  async function refresh() {
    try {
      await mine.refreshMine(owner);
    } catch {
      // Offline or logged out: the last copy stays on show.
    }
    await render();
  }

  return { render, refresh };
}
