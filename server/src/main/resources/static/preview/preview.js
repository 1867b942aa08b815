// Card preview: a small CDS client in the browser. It reads discovery, calls a service for a stored patient (the
// server reads its own repository) or for a pasted Bundle (sent as prefetch), and renders the cards. Everything
// from the server is put into the page as text, except card detail, which is Markdown rendered by marked and
// sanitised by DOMPurify before it is inserted.
'use strict';

const FHIR = '/fhir';
const CDS = '/cds-services';
const USER = 'Practitioner/card-preview';
const state = { services: [], patientId: null, prefetch: null };

const byId = (id) => document.getElementById(id);

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => {
    if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  });
  children.filter((c) => c !== null && c !== undefined)
    .forEach((c) => node.append(typeof c === 'string' ? document.createTextNode(c) : c));
  return node;
}

async function send(url, options) {
  const response = await fetch(url, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
  return { ok: response.ok, status: response.status, body, headers: response.headers };
}

/** The message of an OperationOutcome (FHIR and CDS errors alike), or the status. */
function problem(result) {
  const issues = result.body && result.body.issue;
  if (Array.isArray(issues) && issues.length) {
    return issues.map((i) => i.diagnostics || i.details?.text || i.code).join('; ');
  }
  return 'HTTP ' + result.status;
}

function uuid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function setStatus(text, isError) {
  const status = byId('status');
  status.textContent = text;
  status.className = isError ? 'error' : 'muted';
}

function selectedService() {
  return state.services.find((s) => s.id === byId('service-select').value);
}

// ---- services -------------------------------------------------------------------------------------------

async function loadServices() {
  const result = await send(CDS, { headers: { Accept: 'application/json' } });
  if (!result.ok) {
    setStatus('Discovery failed: ' + problem(result)
      + (result.status === 401 ? ' (CDS client authentication is on; run the server with the dev profile to use this page)' : ''), true);
    return;
  }
  state.services = result.body.services || [];
  const select = byId('service-select');
  select.replaceChildren(...state.services.map((s) => element('option', { value: s.id }, `${s.title || s.id} (${s.hook})`)));
  select.addEventListener('change', showService);
  showService();
}

function showService() {
  const service = selectedService();
  if (!service) return;
  byId('service-description').textContent = service.description || '';
  const orders = service.hook === 'order-select' || service.hook === 'order-sign';
  byId('draft-orders-panel').hidden = !orders;
  if (orders && !byId('draft-orders').value.trim()) byId('draft-orders').value = draftOrderTemplate();
}

/** A draft order continuing pembrolizumab: the case the order hooks warn about after acquired resistance. */
function draftOrderTemplate() {
  const subject = state.patientId ? { reference: 'Patient/' + state.patientId } : { reference: 'Patient/<id>' };
  return JSON.stringify({
    resourceType: 'Bundle', type: 'collection', entry: [{ resource: {
      resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order',
      medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01FF02', display: 'pembrolizumab' }] },
      subject } }] }, null, 2);
}

// ---- patient --------------------------------------------------------------------------------------------

function patientName(patient) {
  const name = (patient.name || [])[0];
  if (!name) return '(no name)';
  return name.text || [...(name.given || []), name.family].filter(Boolean).join(' ') || '(no name)';
}

async function searchPatients(event) {
  event.preventDefault();
  const query = byId('patient-query').value.trim();
  const list = byId('patient-results');
  list.replaceChildren(element('li', { className: 'muted' }, 'Searching...'));
  const searches = [send(`${FHIR}/Patient?_count=20&_sort=_id` + (query ? '&name=' + encodeURIComponent(query) : ''))];
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(query)) searches.push(send(`${FHIR}/Patient?_id=${encodeURIComponent(query)}`));
  const results = await Promise.all(searches);
  const failed = results.find((r) => !r.ok);
  if (failed) {
    list.replaceChildren(element('li', { className: 'error' }, 'Search failed: ' + problem(failed)));
    return;
  }
  const patients = new Map();
  results.forEach((r) => (r.body.entry || []).forEach((e) => patients.set(e.resource.id, e.resource)));
  if (!patients.size) {
    list.replaceChildren(element('li', { className: 'muted' }, 'No stored patient matches.'));
    return;
  }
  const items = [...patients.values()].map((p) => {
    const button = element('button', { type: 'button', 'data-patient-id': p.id },
      `${patientName(p)} (id ${p.id}${p.birthDate ? ', born ' + p.birthDate : ''})`);
    button.addEventListener('click', () => choosePatient(p.id, patientName(p), null));
    return element('li', {}, button);
  });
  // The first page only: say so, rather than let it pass for every stored patient.
  if ((results[0].body.link || []).some((l) => l.relation === 'next')) {
    items.push(element('li', { className: 'muted more' }, 'More patients are stored: narrow the search by name or id.'));
  }
  list.replaceChildren(...items);
}

function choosePatient(id, label, prefetch) {
  state.patientId = id;
  state.prefetch = prefetch;
  byId('patient-selected').textContent = `Patient: ${label} (id ${id})` + (prefetch ? ', data sent as prefetch' : ', data read from this server');
  // The timeline reads stored data only, so it is offered for stored patients.
  const timeline = byId('timeline-link');
  byId('timeline-line').hidden = Boolean(prefetch);
  timeline.href = `/timeline/index.html?patient=${encodeURIComponent(id)}`;
  byId('call-service').disabled = false;
  byId('draft-orders').value = '';
  showService();
}

function useBundle() {
  let bundle;
  try {
    bundle = JSON.parse(byId('bundle-input').value);
  } catch (e) {
    byId('patient-selected').textContent = 'The text is not JSON: ' + e.message;
    return;
  }
  const resources = (bundle && bundle.resourceType === 'Bundle' ? bundle.entry || [] : [])
    .map((e) => e.resource).filter(Boolean);
  const patients = resources.filter((r) => r.resourceType === 'Patient');
  if (patients.length !== 1 || !patients[0].id) {
    byId('patient-selected').textContent = 'The Bundle must hold exactly one Patient with an id.';
    return;
  }
  choosePatient(patients[0].id, patientName(patients[0]), resources);
}

/**
 * Prefetch for the chosen service from the pasted resources: each template names a resource type; a read
 * ("Patient/{{context.patientId}}") gets the resource, a search gets a searchset Bundle of that type.
 */
function prefetchFor(service, resources) {
  const prefetch = {};
  Object.entries(service.prefetch || {}).forEach(([key, template]) => {
    const type = template.split(/[/?]/)[0];
    const matching = resources.filter((r) => r.resourceType === type);
    if (/^[A-Za-z]+\/\{\{/.test(template)) {
      prefetch[key] = matching[0] || null;
    } else {
      prefetch[key] = { resourceType: 'Bundle', type: 'searchset', total: matching.length,
        entry: matching.map((resource) => ({ fullUrl: `${type}/${resource.id}`, resource })) };
    }
  });
  return prefetch;
}

// ---- calling a service ----------------------------------------------------------------------------------

async function callService() {
  const service = selectedService();
  if (!service || !state.patientId) return;
  const context = { userId: USER, patientId: state.patientId };
  if (service.hook === 'order-select' || service.hook === 'order-sign') {
    let orders;
    try { orders = JSON.parse(byId('draft-orders').value); } catch (e) {
      setStatus('Draft orders are not JSON: ' + e.message, true);
      return;
    }
    context.draftOrders = orders;
    if (service.hook === 'order-select') {
      const first = (orders.entry || [])[0]?.resource;
      context.selections = first ? [`${first.resourceType}/${first.id}`] : [];
    }
  }
  const request = { hook: service.hook, hookInstance: uuid(), context };
  if (state.prefetch) request.prefetch = prefetchFor(service, state.prefetch);
  setStatus('Calling ' + service.id + '...');
  byId('cards').replaceChildren();
  const result = await send(`${CDS}/${encodeURIComponent(service.id)}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(request) });
  if (!result.ok) {
    setStatus(`The service answered ${result.status}: ${problem(result)}`, true);
    return;
  }
  const cards = result.body.cards || [];
  setStatus(cards.length ? `${cards.length} card(s) from ${service.id}` : 'No cards: nothing to say for this patient.');
  byId('cards').replaceChildren(...cards.map((card) => renderCard(service, card)));
}

/** Only web links become anchors: a card's URL must never run script (javascript:, data:). */
function safeUrl(url) {
  return typeof url === 'string' && /^(https?:\/\/|\/)/i.test(url) ? url : null;
}

function renderCard(service, card) {
  const indicator = ['info', 'warning', 'critical'].includes(card.indicator) ? card.indicator : 'info';
  const node = element('article', { className: `card indicator-${indicator}`, 'data-card-uuid': card.uuid || '' });
  node.append(element('p', { className: 'summary' }, element('span', { className: 'indicator-label' }, indicator), card.summary || ''));
  if (card.detail) {
    const detail = element('div', { className: 'detail' });
    detail.innerHTML = DOMPurify.sanitize(marked.parse(card.detail));
    node.append(detail);
  }
  if (card.source) {
    const label = card.source.label || 'Source';
    const source = element('p', { className: 'source' }, 'Source: ',
      safeUrl(card.source.url) ? element('a', { href: safeUrl(card.source.url), target: '_blank', rel: 'noopener noreferrer' }, label) : label);
    if (card.source.topic) source.append(` (topic: ${card.source.topic.display || card.source.topic.code})`);
    node.append(source);
  }
  const outcome = element('p', { className: 'outcome' });
  (card.suggestions || []).forEach((suggestion) => {
    const accept = element('button', { type: 'button', className: 'accept',
      'aria-label': 'Accept: ' + (suggestion.label || 'suggestion') }, 'Accept');
    accept.addEventListener('click', () => accepted(service, card, suggestion, node, outcome));
    node.append(element('div', { className: 'suggestion' }, accept, suggestion.label || ''));
  });
  if (card.links && card.links.length) {
    node.append(element('ul', { className: 'links' }, ...card.links.map((link) =>
      element('li', {}, safeUrl(link.url)
        ? element('a', { href: safeUrl(link.url), target: '_blank', rel: 'noopener noreferrer' }, link.label || link.url)
        : `${link.label || ''} (${link.url})`,
        link.type === 'smart' ? ' (SMART app)' : ''))));
  }
  node.append(overrideControls(service, card, node, outcome), outcome);
  return node;
}

function overrideControls(service, card, node, outcome) {
  const reasons = card.overrideReasons || [];
  const select = element('select', { className: 'override-reason', 'aria-label': 'Override reason' },
    element('option', { value: '' }, '(no reason)'),
    ...reasons.map((r, i) => element('option', { value: String(i) }, r.display || r.code)));
  const comment = element('input', { type: 'text', className: 'override-comment', placeholder: 'Comment (optional)',
    'aria-label': 'Override comment (optional)' });
  const button = element('button', { type: 'button', className: 'override-button' }, 'Override');
  button.addEventListener('click', async () => {
    const entry = { card: card.uuid, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() };
    const reason = select.value === '' ? null : reasons[Number(select.value)];
    if (reason || comment.value.trim()) {
      entry.overrideReason = {};
      if (reason) entry.overrideReason.reason = { system: reason.system, code: reason.code, display: reason.display };
      if (comment.value.trim()) entry.overrideReason.userComment = comment.value.trim();
    }
    const stored = await sendFeedback(service, entry, outcome);
    if (stored) {
      finish(node, outcome, `Overridden${reason ? ' (' + (reason.display || reason.code) + ')' : ''}. Feedback stored as ${stored}.`);
    }
  });
  return element('div', { className: 'override' }, select, comment, button);
}

/** Performs the suggestion's create actions on this FHIR server, then reports the acceptance as feedback. */
async function accepted(service, card, suggestion, node, outcome) {
  const created = [];
  for (const action of suggestion.actions || []) {
    if (action.type !== 'create' || !action.resource) continue;
    const resource = { ...action.resource };
    delete resource.id; // the server assigns the id of a create
    const result = await send(`${FHIR}/${resource.resourceType}`, {
      method: 'POST', headers: { 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+json' },
      body: JSON.stringify(resource) });
    if (!result.ok) {
      fail(outcome, `Creating the ${resource.resourceType} failed (${result.status}): ${problem(result)}`);
      return;
    }
    created.push(`${result.body.resourceType}/${result.body.id}`);
  }
  const stored = await sendFeedback(service, { card: card.uuid, outcome: 'accepted',
    acceptedSuggestions: [{ id: suggestion.uuid }], outcomeTimestamp: new Date().toISOString() }, outcome);
  if (stored) {
    finish(node, outcome, `Accepted. ${created.length ? 'Created ' + created.join(', ') + '. ' : ''}Feedback stored as ${stored}.`);
  }
}

async function sendFeedback(service, entry, outcome) {
  const result = await send(`${CDS}/${encodeURIComponent(service.id)}/feedback`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ feedback: [entry] }) });
  if (!result.ok) {
    fail(outcome, `Feedback failed (${result.status}): ${problem(result)}`);
    return null;
  }
  return result.body.feedback[0].stored;
}

function finish(node, outcome, text) {
  outcome.className = 'outcome';
  outcome.textContent = text;
  node.querySelectorAll('button, select, input').forEach((control) => { control.disabled = true; });
}

function fail(outcome, text) {
  outcome.className = 'outcome error';
  outcome.textContent = text;
}

// ---- start ----------------------------------------------------------------------------------------------

document.querySelectorAll('input[name="patient-source"]').forEach((radio) => radio.addEventListener('change', () => {
  const bundle = document.querySelector('input[name="patient-source"]:checked').value === 'bundle';
  byId('stored-patient').hidden = bundle;
  byId('bundle-patient').hidden = !bundle;
}));
byId('patient-search').addEventListener('submit', searchPatients);
byId('bundle-use').addEventListener('click', useBundle);
byId('call-service').addEventListener('click', callService);
loadServices();
