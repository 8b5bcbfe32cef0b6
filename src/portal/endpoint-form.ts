import type { EndpointRecord } from '../../workflows/records';
import { PRESET_NAMES } from '../endpoints/presets';
import { EVENT_TYPES, eventTypeSpec, typesMatching } from '../events';
import type { FieldProblem } from '../schemas/field-problem';
import type { SafeHtml } from './html';
import { html } from './html';
import type { PageContext } from './layout';
import { csrfField } from './layout';

/** The fields the portal's endpoint form edits; the rest of an endpoint is the API's to change. */
export interface EndpointFormValues {
  preset: string;
  label: string;
  url: string;
  description: string;
  /** Checked boxes: event types, or `*` for every type. */
  event_types: string[];
}

export const PRESET_TITLES: Record<(typeof PRESET_NAMES)[number], string> = {
  pq: 'PQ Intel (buying signals, X-PQ-Signature)',
  prospektr: 'Prospektr (prospect.added, sha256= signature)',
  quintago: 'QuintaGo (leads, proposals, payments, messages)',
  siggnal: 'Siggnal (project signals)',
  leadsave: 'Lead-save API (save_lead)',
  standard: 'Standard Webhooks (any event, webhook-signature)',
};

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');

/** What a submitted form holds, as strings; validation is the API's (the same zod schemas). */
export function formValues(body: unknown): EndpointFormValues {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return {
    preset: text(form.preset),
    label: text(form.label),
    url: text(form.url),
    description: typeof form.description === 'string' ? form.description : '',
    event_types: list(form.event_types),
  };
}

/** A create body: blank fields left out, so the preset's (or the service's) defaults apply. */
export function createBody(values: EndpointFormValues): Record<string, unknown> {
  return {
    url: values.url,
    ...(values.preset ? { preset: values.preset } : {}),
    ...(values.label ? { label: values.label } : {}),
    ...(values.description ? { description: values.description } : {}),
    ...(values.event_types.length ? { event_types: values.event_types } : {}),
  };
}

/** A patch body: every field of the form, as shown. */
export const patchBody = (values: EndpointFormValues): Record<string, unknown> => ({
  url: values.url,
  label: values.label,
  description: values.description,
  event_types: values.event_types,
});

export function valuesOf(endpoint: EndpointRecord): EndpointFormValues {
  return {
    preset: endpoint.preset ?? '',
    label: endpoint.label,
    url: endpoint.url,
    description: endpoint.description,
    event_types: endpoint.event_types.includes('*') ? ['*'] : typesMatching(endpoint.event_types),
  };
}

/** Problems of one field (and its sub-fields), shown beside it and tied to it for screen readers. */
function problemsOf(problems: FieldProblem[], field: string): FieldProblem[] {
  return problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`));
}

function fieldError(id: string, problems: FieldProblem[]): SafeHtml | null {
  if (problems.length === 0) return null;
  return html`<span class="error" id="${id}-error">${problems.map((p) => p.problem).join('; ')}</span>`;
}

const described = (id: string, problems: FieldProblem[]) => (problems.length ? `${id}-error` : `${id}-hint`);

function eventTypeChoices(values: EndpointFormValues, problems: FieldProblem[]): SafeHtml {
  const checked = new Set(values.event_types);
  const choices = EVENT_TYPES.map((type) => {
    const spec = eventTypeSpec(type)!;
    const id = `et-${type.replace(/[^a-z0-9]/g, '-')}`;
    return html`<div>
      <label for="${id}"
        ><input
          type="checkbox"
          id="${id}"
          name="event_types"
          value="${type}"
          ${checked.has(type) ? html`checked` : null}
        /><span><code>${type}</code> <span class="hint">${spec.description}</span></span></label
      >
      <details>
        <summary>Sample payload of <code>${type}</code></summary>
        <pre>${JSON.stringify(spec.sample(), null, 2)}</pre>
      </details>
    </div>`;
  });
  const own = problemsOf(problems, 'event_types');
  return html`<fieldset aria-describedby="${described('event-types', own)}">
    <legend>Event types</legend>
    <p class="hint" id="event-types-hint">
      Leave every box empty on a new endpoint to take its preset's types.
    </p>
    ${fieldError('event-types', own)}
    <label for="et-all"
      ><input
        type="checkbox"
        id="et-all"
        name="event_types"
        value="*"
        ${checked.has('*') ? html`checked` : null}
      />
      <span>All event types, including any added later</span></label
    >${choices}
  </fieldset>`;
}

/** The add and edit form; each field's problem from the last submit beside it. */
export function endpointForm(
  ctx: PageContext,
  options: { action: string; values: EndpointFormValues; problems: FieldProblem[]; isNew: boolean },
): SafeHtml {
  const { values, problems } = options;
  const url = problemsOf(problems, 'url');
  const label = problemsOf(problems, 'label');
  const description = problemsOf(problems, 'description');
  const shown = new Set([...url, ...label, ...description, ...problemsOf(problems, 'event_types')]);
  const other = problems.filter((p) => !shown.has(p));
  return html`${
      other.length
        ? html`<div class="error" role="alert">
            <p>Not saved:</p>
            <ul>
              ${other.map((p) => html`<li><code>${p.field}</code> ${p.problem}</li>`)}
            </ul>
          </div>`
        : problems.length
          ? html`<p class="error" role="alert">Not saved: see the fields marked below.</p>`
          : null
    }
    <form method="post" action="${options.action}" novalidate>
      ${csrfField(ctx)}
      ${
        options.isNew
          ? html`<label for="preset"
                >Start from a preset
                <span class="hint" id="preset-hint">(its signature, format and event types)</span></label
              >
              <select id="preset" name="preset" aria-describedby="preset-hint">
                <option value="">None: every event, hex signature</option>
                ${PRESET_NAMES.map((name) => html`<option value="${name}" ${values.preset === name ? html`selected` : null}>${PRESET_TITLES[name]}</option>`)}
              </select>`
          : null
      }
      <label for="url">URL</label>
      <input
        type="url"
        id="url"
        name="url"
        value="${values.url}"
        required
        inputmode="url"
        autocomplete="url"
        aria-describedby="${described('url', url)}"
        ${url.length ? html`aria-invalid="true"` : null}
      />
      <span class="hint" id="url-hint">Where deliveries are sent: a public https URL.</span
      >${fieldError('url', url)}
      <label for="label">Label</label>
      <input
        type="text"
        id="label"
        name="label"
        value="${values.label}"
        maxlength="200"
        aria-describedby="${described('label', label)}"
        ${label.length ? html`aria-invalid="true"` : null}
      />
      <span class="hint" id="label-hint">A name for this endpoint, unique among yours.</span
      >${fieldError('label', label)}
      <label for="description">Description</label>
      <textarea
        id="description"
        name="description"
        rows="2"
        aria-describedby="${described('description', description)}"
      >
${values.description}</textarea>
      <span class="hint" id="description-hint">What this endpoint is for (optional).</span
      >${fieldError('description', description)} ${eventTypeChoices(values, problems)}
      <div class="actions">
        <button type="submit">${options.isNew ? 'Add endpoint' : 'Save changes'}</button>
      </div>
    </form>`;
}
