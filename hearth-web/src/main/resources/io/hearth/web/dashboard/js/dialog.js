// One modal dialog at a time, for every action that asks something: a form whose submit runs the action and shows
// the API's refusal in the dialog, so the user can correct the input and retry.

import {h} from './dom.js';

/**
 * Shows a dialog. fields: nodes inside the form; submit: async (form) => nothing, or a node to show instead of the
 * form (e.g. an exported record). Returns the <dialog>.
 */
export function openDialog({title, fields, submitLabel = 'OK', submit, name}) {
  const dialog = document.getElementById('dialog');
  const error = h('p', {class: 'error dialog-error', role: 'alert', hidden: true});
  const buttons = h('div', {class: 'buttons'},
      submit ? h('button', {type: 'submit', class: 'primary'}, submitLabel) : null,
      h('button', {type: 'button', class: 'cancel', onclick: () => dialog.close()}, submit ? 'Cancel' : 'Close'));
  const form = h('form', {method: 'dialog', class: 'dialog-form'}, fields, error, buttons);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!submit) {
      dialog.close();
      return;
    }
    const submitButton = form.querySelector('button[type=submit]');
    submitButton.disabled = true;
    error.hidden = true;
    try {
      const shown = await submit(form);
      if (shown instanceof Node) {
        form.replaceChildren(shown, h('div', {class: 'buttons'}, h('button', {type: 'button', class: 'cancel', onclick: () => dialog.close()}, 'Close')));
      } else {
        dialog.close();
      }
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      submitButton.disabled = false;
    }
  });
  dialog.replaceChildren(h('h2', {}, title), form);
  dialog.dataset.name = name ?? '';
  if (dialog.open) {
    dialog.close();
  }
  dialog.showModal();
  form.querySelector('input:not([type=hidden]), textarea, select')?.focus();
  return dialog;
}

export function field(label, input) {
  return h('label', {}, h('span', {}, label), input);
}
