/*
 * node-red-contrib-fulfillment: the editor toolkit every node's dialog loads
 * (`<script src="resources/node-red-contrib-fulfillment/editor.js">` in each
 * node's .html). Node-RED loads such scripts before it runs the inline editor
 * scripts of the package, so no editor depends on another one's load order.
 *
 * It knows no provider: everything about providers comes from the
 * descriptors the account node exports (RED.settings.fulfillmentAccountProviders).
 * Its own strings are in the account node's catalog, under "editor".
 */
(function () {
  'use strict';
  // Each node's .html loads this file; the first load wins.
  if (window.FulfillmentEditor) return;

  var PKG = 'node-red-contrib-fulfillment';
  var NS = PKG + '/fulfillment-account:';
  var LANGS = ['en-US', 'de', 'nl', 'fr'];
  var LOOPBACK = ['127.0.0.1', 'localhost', '::1'];
  /** Where `npm start` (and `npm run sandbox`) serves the sandbox unless SANDBOX_PORT says otherwise (the runtime exports it). */
  var SANDBOX_ORIGIN = 'http://127.0.0.1:1881';

  function addStyle() {
    var href = (RED.settings.apiRootUrl || '') + 'resources/' + PKG + '/editor.css';
    if (!document.querySelector('link[data-fulfillment-style]')) {
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.setAttribute('data-fulfillment-style', '');
      document.head.appendChild(link);
    }
  }

  function t(key, subs) { return RED._(NS + 'editor.' + key, subs); }
  /** A message from the catalog of the node at hand (validators run with `this` = the node). */
  function own(node, key, subs) {
    return node && typeof node._ === 'function' ? node._(key, subs) : key;
  }

  /** The editor's language, as the descriptors' labels name it. */
  function lang() {
    var prefs = [localStorage.getItem('editor-language') || navigator.language];
    if (window.i18next && i18next.languages) prefs = prefs.concat(i18next.languages);
    for (var i = 0; i < prefs.length; i++) {
      var p = String(prefs[i] || '');
      if (LANGS.indexOf(p) >= 0) return p;
      var base = p.split('-')[0].toLowerCase();
      if (base === 'en') return 'en-US';
      if (LANGS.indexOf(base) >= 0) return base;
    }
    return 'en-US';
  }
  function localized(text) {
    if (!text) return '';
    if (typeof text === 'string') return text;
    return text[lang()] || text['en-US'] || '';
  }

  // ---- providers, from the descriptors ----------------------------------

  function providers() { return RED.settings.fulfillmentAccountProviders || []; }
  function provider(name) {
    var list = providers();
    for (var i = 0; i < list.length; i++) if (list[i].name === name) return list[i];
    return null;
  }
  function providerLabel(name) {
    var p = provider(name);
    return p ? p.label : name || '';
  }
  /** Mirrors providersFor() in nodes/runtime/account-ref.ts. */
  function serves(p, need) {
    var c = p.capabilities || {};
    switch (need) {
      case 'order':
      case 'result':
        return !!c[need];
      case 'status':
      case 'callback':
      case 'operations':
        return (c[need] || []).length > 0;
      default:
        return (c.nodes || []).indexOf(need) >= 0;
    }
  }
  function providersFor(need) {
    return providers().filter(function (p) { return serves(p, need); }).map(function (p) { return p.name; });
  }
  function accountOf(id) { return id && id !== '_ADD_' ? RED.nodes.node(id) : null; }
  function providerOf(id) {
    var a = accountOf(id);
    return a ? a.provider : '';
  }

  /**
   * The sandbox is recognised by its address alone: a loopback host and a path
   * in the provider's part of the sandbox (nodes/account/sandbox.ts, the same
   * rule at run time). No provider serves its API from this machine, and the
   * address is known before any request (and before any credential).
   */
  function isSandbox(providerName, baseUrl) {
    var p = provider(providerName);
    if (!p || !p.sandboxPath || !baseUrl) return false;
    var u;
    try { u = new URL(String(baseUrl).trim()); } catch (e) { return false; }
    var host = u.hostname.replace(/^\[|\]$/g, '');
    // The provider's part of the sandbox: the first segment of its path (for a provider with a host per customer, every customer emulated there).
    var root = '/' + (p.sandboxPath.split('/').filter(Boolean)[0] || '');
    var path = u.pathname.replace(/\/+$/, '');
    return LOOPBACK.indexOf(host) >= 0 && (path === root || path.indexOf(root + '/') === 0);
  }
  function sandboxUrl(providerName) {
    var p = provider(providerName);
    return p && p.sandboxPath ? (RED.settings.fulfillmentAccountSandboxOrigin || SANDBOX_ORIGIN) + p.sandboxPath : '';
  }

  // ---- validators ---------------------------------------------------------

  /**
   * An action node's `account`: set, configured, and of a provider whose
   * descriptor serves `need` (a capability or the node's type; or a list of
   * provider names). `action` is a key in the node's own catalog ("place orders").
   */
  function accountProperty(need, action) {
    return {
      value: '',
      type: 'fulfillment-account',
      validate: function (v, opt) {
        var account = accountOf(v);
        var reason = null;
        if (!account) reason = t('errors.noAccount');
        else if (account.valid === false) reason = t('errors.accountInvalid', { name: account.name || providerLabel(account.provider) });
        else {
          var able = Array.isArray(need) ? need : providersFor(need);
          if (able.indexOf(account.provider) < 0) {
            reason = t('errors.cannot', {
              provider: account.provider,
              action: own(this, action),
              providers: able.map(providerLabel).join(', ') || '—'
            });
          }
        }
        if (!reason) return true;
        return opt ? reason : false;
      }
    };
  }

  /** The type a typedInput property has now: the dialog's when it is open, else the saved one. */
  function typeOf(node, key) {
    var field = $('#node-input-' + key + 'Type, #node-config-input-' + key + 'Type');
    if (field.length && field.val()) return field.val();
    return (node && node[key + 'Type']) || 'num';
  }

  /**
   * A numeric setting that may also name an environment variable (typedInput
   * num / env), from min to max (null: no maximum). `message` is a key in the
   * node's own catalog, or the toolkit's when it starts with "editor.".
   */
  function numberValidator(key, message, min, max, blankAllowed) {
    return function (v, opt) {
      // A flow written before the setting existed: the runtime uses the default.
      if (v === undefined) return true;
      var s = String(v === null ? '' : v).trim();
      if (typeOf(this, key) === 'env') {
        if (/^[A-Za-z_][A-Za-z0-9_]*$|^\$\{[^}]+\}$/.test(s)) return true;
        return opt ? t('errors.envName') : false;
      }
      if (s === '' && blankAllowed) return true;
      var n = Number(s);
      if (s !== '' && isFinite(n) && n >= min && (max === null || max === undefined || n <= max)) return true;
      if (!opt) return false;
      var subs = { min: min, max: max };
      return message.indexOf('editor.') === 0 ? t(message.slice(7), subs) : own(this, message, subs);
    };
  }
  /** `defaults` entries for a number-or-env setting: `key` and `keyType`. */
  function numberProperty(defaults, key, value, message, min, max, blankAllowed) {
    defaults[key] = { value: value, validate: numberValidator(key, message, min, max, blankAllowed) };
    defaults[key + 'Type'] = { value: 'num' };
    return defaults;
  }

  // ---- rows shared by the dialogs ----------------------------------------

  // Inline widths: a typedInput, and the select Node-RED puts in place of a config node's input (with its two buttons), take their width from the input's style attribute.
  var WIDE = 'width:calc(100% - 150px)';
  var NUMBER = 'width:190px';
  function icon(name) { return '<i class="fa fa-' + name + '"></i> '; }
  function row(id, iconName, labelKey, field, extraClass) {
    return '<div class="form-row fulfillment-row' + (extraClass ? ' ' + extraClass : '') + '">' +
      '<label for="' + id + '">' + icon(iconName) + '<span data-i18n="' + labelKey + '"></span></label>' + field + '</div>';
  }
  function shared(key) { return NS + 'editor.' + key; }

  /**
   * The rows a template names with `<div data-fulfillment-row="…">`:
   * account, source, repeat, number, store, name. Attributes: data-key,
   * data-icon, data-label and data-unit (keys in the node's catalog),
   * data-prefix (node-config-input for config nodes).
   */
  var ROWS = {
    account: function (el, prefix) {
      return row(prefix + '-account', 'user-circle', shared('label.account'), '<input type="text" id="' + prefix + '-account" style="' + WIDE + '">');
    },
    source: function (el, prefix) {
      return row(prefix + '-source', 'sign-in', shared('label.source'),
        '<input type="text" id="' + prefix + '-source" style="' + WIDE + '"><input type="hidden" id="' + prefix + '-sourceType">');
    },
    repeat: function (el, prefix) {
      var key = el.attr('data-key') || 'dedupeWindow';
      return row(prefix + '-' + key, 'clone', shared('label.repeat'), numberField(prefix, key, shared('unit.secondsOff')));
    },
    number: function (el, prefix) {
      var key = el.attr('data-key');
      return row(prefix + '-' + key, el.attr('data-icon') || 'sliders', el.attr('data-label'), numberField(prefix, key, el.attr('data-unit')));
    },
    store: function (el, prefix) {
      return row(prefix + '-contextStore', 'database', shared('label.contextStore'),
        '<select id="' + prefix + '-contextStore" class="fulfillment-store"></select>');
    },
    name: function (el, prefix) {
      return row(prefix + '-name', 'tag', shared('label.name'),
        '<input type="text" id="' + prefix + '-name" data-i18n="[placeholder]' + shared('label.name') + '">');
    }
  };
  function numberField(prefix, key, unitKey) {
    return '<input type="text" id="' + prefix + '-' + key + '" style="' + NUMBER + '" data-fulfillment-number="' + key + '">' +
      '<input type="hidden" id="' + prefix + '-' + key + 'Type">' +
      (unitKey ? ' <span class="fulfillment-unit" data-i18n="' + unitKey + '"></span>' : '');
  }

  /** Replaces the row markers of a node type's template (once, before the first dialog). */
  function expand(type, extraRows) {
    var script = $('script[data-template-name="' + type + '"]');
    if (!script.length) return;
    var html = $('<div>').html(script.html());
    var builders = $.extend({}, ROWS, extraRows || {});
    html.find('[data-fulfillment-row]').each(function () {
      var el = $(this);
      var build = builders[el.attr('data-fulfillment-row')];
      if (build) el.replaceWith(build(el, el.attr('data-prefix') || 'node-input'));
    });
    script.html(html.html());
  }

  /** The context-store list: "default" once (it means the store Node-RED uses by default), then the others. */
  function contextStores(select, value) {
    var ctx = RED.settings.context || {};
    var def = ctx['default'] || 'default';
    select.empty().append($('<option>').val('').text(def === 'default' ? t('label.defaultStore') : t('label.defaultStoreNamed', { store: def })));
    (ctx.stores || []).forEach(function (s) {
      if (s !== 'default' && s !== def) select.append($('<option>').val(s).text(s));
    });
    select.val(value && value !== 'default' && value !== def ? value : '');
    if (select.val() === null) select.val('');
  }

  /** typedInputs and lists of the shared rows; runs before the node's own oneditprepare. */
  function prepareRows(node, defaults, form, prefix) {
    // A flow written before a setting existed shows (and saves) its default.
    function fillDefault(input, key) {
      if (node[key] === undefined && defaults[key]) input.val(defaults[key].value);
    }
    var source = form.find('#' + prefix + '-source');
    if (source.length) {
      fillDefault(source, 'source');
      source.typedInput({ default: 'msg', types: ['msg', 'flow', 'global', 'env'], typeField: '#' + prefix + '-sourceType' });
    }
    form.find('[data-fulfillment-number]').each(function () {
      var key = $(this).attr('data-fulfillment-number');
      fillDefault($(this), key);
      $(this).typedInput({ default: 'num', types: ['num', 'env'], typeField: '#' + prefix + '-' + key + 'Type' });
    });
    var store = form.find('#' + prefix + '-contextStore.fulfillment-store');
    if (store.length) contextStores(store, node.contextStore);
  }

  /** Where the request comes from: msg.payload unless the node says otherwise. */
  function sourceProperties(defaults) {
    // Undefined in a flow written before the setting existed: msg.payload, as before.
    defaults.source = { value: 'payload', validate: function (v) { return v === undefined || (typeof v === 'string' && v.trim() !== ''); } };
    defaults.sourceType = { value: 'msg' };
    return defaults;
  }

  /**
   * Wraps a node's oneditprepare: the toolkit's style and shared rows first,
   * then the node's own.
   */
  function prepare(own) {
    return function () {
      var def = this._def || {};
      var config = def.category === 'config';
      // A config dialog can open on top of a node's dialog: work in the one that just opened.
      var form = $(config ? '#node-config-dialog-edit-form' : '#dialog-form').last();
      form.addClass('fulfillment-dialog');
      prepareRows(this, def.defaults || {}, form, config ? 'node-config-input' : 'node-input');
      if (own) own.apply(this, arguments);
    };
  }

  /**
   * Called just before a node's RED.nodes.registerType('…', {category: …})
   * (the flow library's checks read that literal call): expands the rows its
   * template names, and once the type is registered runs the toolkit's part
   * of its dialog before the node's own oneditprepare.
   */
  function use(type, extraRows) {
    expand(type, extraRows);
    RED.events.on('registry:node-type-added', function added(t) {
      if (t !== type) return;
      RED.events.off('registry:node-type-added', added);
      var def = RED.nodes.getType(type);
      def.oneditprepare = prepare(def.oneditprepare);
    });
  }

  /** A node's label: its name, else its short action name with the account's provider. */
  function label(node, key) {
    if (node.name) return node.name;
    var provider = providerOf(node.account);
    return own(node, key) + (provider ? ' · ' + provider : '');
  }

  // ---- live lists ---------------------------------------------------------

  /**
   * Suggestions for a free-text input (services, boxes, channels): typing stays allowed.
   * A typedInput hides the original input and shows its own, so the list goes on that one.
   */
  function datalist(input, id, values) {
    var list = $('#' + id);
    if (!list.length) list = $('<datalist>').attr('id', id).appendTo('body');
    list.empty();
    values.forEach(function (v) { list.append($('<option>').val(v.value).text(v.label)); });
    var shown = input.hasClass('red-ui-typedInput') ? input.nextAll('.red-ui-typedInput-container').first().find('input.red-ui-typedInput-input') : $();
    (shown.length ? shown : input).attr('list', id);
  }
  /**
   * One of the account's live lists (`capabilities.choices` of its provider),
   * from the deployed account: the names first, so a list the provider does
   * not offer is not asked for. Nothing when the account is not deployed yet.
   */
  var listNames = {};
  function choices(accountId, list, cb) {
    var account = accountOf(accountId);
    if (!account || account.changed) return;
    var base = 'fulfillment/account/' + encodeURIComponent(accountId) + '/choices';
    var names = listNames[accountId] || (listNames[accountId] = $.getJSON(base));
    names.done(function (r) {
      if (!r || !r.ok || (r.lists || []).indexOf(list) < 0) return;
      $.getJSON(base + '/' + encodeURIComponent(list)).done(function (answer) {
        if (answer && answer.ok && Array.isArray(answer.choices)) cb(answer.choices);
      });
    }).fail(function () { delete listNames[accountId]; });
  }
  // A deploy can change what an account offers.
  RED.events.on('deploy', function () { listNames = {}; });

  addStyle();

  window.FulfillmentEditor = {
    t: t,
    lang: lang,
    localized: localized,
    providers: providers,
    provider: provider,
    providerLabel: providerLabel,
    providersFor: providersFor,
    providerOf: providerOf,
    isSandbox: isSandbox,
    sandboxUrl: sandboxUrl,
    accountProperty: accountProperty,
    numberProperty: numberProperty,
    numberValidator: numberValidator,
    sourceProperties: sourceProperties,
    contextStores: contextStores,
    use: use,
    WIDE: WIDE,
    label: label,
    datalist: datalist,
    choices: choices,
    // Earlier names, kept for editors written against them.
    account: function (need, action) { return accountProperty(need, action).validate; },
    number: function (message, min, max, blankAllowed) { return numberValidator('', message, min, max, blankAllowed); }
  };
})();
