// A store found in the field (docs/store-proposals.md): the proposal as the server's model checks it,
// and its sending ahead of the surveys that name it. Loaded on demand: by the proposal form, and by
// the outbox only when a queued survey carries a proposal not yet received.
import { done, transaction } from './idb.js';
import { moreMessages } from './more-messages.js';

// The texts as the server keeps them: composed (NFC) and trimmed, so that the lengths checked here
// are the lengths it counts, and a proposal sent again hashes the same.
export function proposalOf({ id, name, type, address, unit_code: unitCode, location }) {
  const text = (value) => (value ?? '').normalize('NFC').trim();
  return { id, name: text(name), type: type || null, address: text(address), unit_code: unitCode || null, location: location || null };
}

// The server's checks (payloads.ProposalIn) with their limits from vocabularies.json: a name, one of the
// store types, texts within their lengths in characters. `tt` says each problem in the page's language.
export function checkProposal(proposal, vocab, tt) {
  const errors = {};
  for (const [field, max] of Object.entries(vocab.proposal_max_length)) {
    const length = [...proposal[field]].length;
    if (length > max) errors[field] = tt('proposal_too_long', length).replace('{max}', max.toLocaleString(document.documentElement.lang));
  }
  if (!proposal.name) errors.name = tt('proposal_name_required');
  if (!vocab.store_types.includes(proposal.type)) errors.type = tt('proposal_type_required');
  return errors;
}

// One POST, with the body of a refusal read.
async function answer(proposal, token) {
  const response = await fetch('/api/v1/store-proposals', {
    method: 'POST', credentials: 'same-origin', cache: 'no-store',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(proposal),
  });
  const body = response.status >= 400 && response.status < 500 ? await response.json().catch(() => ({})) : {};
  return { response, body };
}

// The server's refusal in the inspector's words: each field it names, then its message.
async function refusal(status, error = {}) {
  if (!error.fields) return { state: status === 409 ? 'conflict' : 'invalid', reason: { store_proposal: error.message || String(status) } };
  const tt = await moreMessages((key) => key).catch(() => (key) => key);
  const said = Object.entries(error.fields).map(([field, message]) => {
    const name = tt(`proposal_${field}`);
    return `${name.startsWith('proposal_') ? field : name}: ${message}`;
  });
  return { state: 'invalid', reason: { store_proposal: said.join('; ') } };
}

// Send one proposal: null once the server has it (201 created, 200 the same again), else its refusal
// (400, 409). Signed out, or no answer worth keeping (network, 429, 5xx): throws, and the flush is
// tried again later.
async function sendOne(proposal, fetchToken, token) {
  let { response, body } = await answer(proposal, token.value ??= await fetchToken());
  if (body.error?.code === 'csrf') ({ response, body } = await answer(proposal, token.value = await fetchToken()));
  if (response.status === 200 || response.status === 201) return null;
  if (response.status === 401) throw Object.assign(new Error('login'), { kind: 'login' });
  if (response.status === 400 || response.status === 409) return refusal(response.status, body.error);
  throw new Error(`proposal ${response.status}`);
}

// Before the surveys: each proposal the queued surveys carry, once, unless already received. A received
// one is marked on its surveys' records, so a later flush does not post it again; a refused one sets its
// surveys aside with the reason, shown in the outbox like any refused survey. Returns the records still
// to send and how many were set aside.
export async function sendProposals(records, fetchToken) {
  const outcome = new Map(); // proposal id → null (received) or its refusal
  const token = {};
  for (const { proposal, proposalSent } of records) {
    if (proposal && !proposalSent && !outcome.has(proposal.id)) outcome.set(proposal.id, await sendOne(proposal, fetchToken, token));
  }
  const concerned = records.filter((record) => record.proposal && outcome.has(record.proposal.id));
  const updated = await transaction(['outbox'], 'readwrite', async (s) => {
    const changed = new Map();
    for (const record of concerned) {
      const stored = await done(s.outbox.get(record.id)); // read again: discarded meanwhile stays discarded
      if (!stored) continue;
      const refused = outcome.get(record.proposal.id);
      const next = refused ? { ...stored, ...refused } : { ...stored, proposalSent: true };
      await done(s.outbox.put(next));
      changed.set(record.id, next);
    }
    return changed;
  });
  const kept = records.map((record) => updated.get(record.id) || record)
    .filter((record) => !(record.proposal && outcome.get(record.proposal.id)));
  return { records: kept.filter((record) => record.state === 'queued'), setAside: records.length - kept.length };
}
