/*
 * Draws the output of Patient/[id]/$resistance-timeline (a FHIR Parameters resource) as an SVG:
 * therapy bands, response markers, one allele-frequency line per variant, and the days the resistance
 * assessment changed. No dependencies; works in a browser (window.TimelinePlot) and in Node (module.exports).
 *
 *   TimelinePlot.parse(parameters)            -> plain model of the timeline
 *   TimelinePlot.toSvg(parameters, options)   -> SVG markup (string)
 *   TimelinePlot.draw(element, parameters, options) -> puts the SVG into the element
 *
 * options: { width: 960 }
 */
(function (root) {
  'use strict';

  var DAY = 24 * 3600 * 1000;
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
  // RECIST / iRECIST: response green, stable amber, progression red, not evaluable grey.
  var RESPONSE_COLOURS = {
    CR: '#1a9850', PR: '#66bd63', SD: '#f4a11d', PD: '#d73027', NE: '#999999',
    iCR: '#1a9850', iPR: '#66bd63', iSD: '#f4a11d', iUPD: '#fc8d59', iCPD: '#d73027'
  };
  var STATUS_COLOURS = {
    'acquired-resistance': '#b2182b', 'acquired-resistance-suspected': '#ef8a62', 'primary-resistance': '#762a83',
    'progression-after-discontinuation': '#5e3c99', responding: '#1b7837', 'not-exposed': '#777777', indeterminate: '#777777'
  };

  function parts(parameter, name) {
    return (parameter.part || []).filter(function (p) { return p.name === name; });
  }

  function part(parameter, name) {
    return parts(parameter, name)[0];
  }

  function value(p) {
    if (!p) { return undefined; }
    for (var key in p) {
      if (key.indexOf('value') === 0) { return p[key]; }
    }
    return undefined;
  }

  function named(parameters, name) {
    return (parameters.parameter || []).filter(function (p) { return p.name === name; });
  }

  function day(text) {
    return text ? Date.parse(text.substring(0, 10) + 'T00:00:00Z') : NaN;
  }

  /** The Parameters resource as plain objects with dates in milliseconds. */
  function parse(parameters) {
    if (!parameters || parameters.resourceType !== 'Parameters') {
      throw new Error('Expected a FHIR Parameters resource from $resistance-timeline');
    }
    var asOf = value(named(parameters, 'asOf')[0]);
    var first = named(parameters, 'firstDose')[0];
    return {
      patient: (value(named(parameters, 'patient')[0]) || {}).reference,
      asOf: day(asOf),
      firstDose: first ? day(value(first)) : null,
      therapies: named(parameters, 'therapy').map(function (t) {
        return {
          agent: value(part(t, 'agent')),
          pd1Axis: value(part(t, 'pd1Axis')),
          start: day(value(part(t, 'start'))),
          end: day(value(part(t, 'end'))),
          ongoing: value(part(t, 'ongoing'))
        };
      }),
      responses: named(parameters, 'response').map(function (r) {
        return { date: day(value(part(r, 'date'))), category: value(part(r, 'category')).code };
      }),
      variants: named(parameters, 'variant').map(function (v) {
        return {
          label: value(part(v, 'label')),
          dynamics: parts(v, 'dynamics').map(function (d) { return value(d).code; }),
          reasons: parts(v, 'reason').map(value),
          samples: parts(v, 'sample').map(function (s) {
            var vaf = value(part(s, 'alleleFrequency'));
            return {
              date: day(value(part(s, 'date'))),
              detected: value(part(s, 'detected')),
              vaf: vaf ? vaf.value : null,
              specimen: value(part(s, 'specimen'))
            };
          })
        };
      }),
      statuses: named(parameters, 'status').map(function (s) {
        var code = value(part(s, 'code'));
        return {
          date: day(value(part(s, 'date'))),
          code: code.code,
          display: code.display || code.code,
          mechanisms: parts(s, 'mechanism').map(function (m) {
            return { code: value(part(m, 'code')).code, confidence: value(part(m, 'confidence')).code };
          }),
          reasons: parts(s, 'reason').map(value)
        };
      })
    };
  }

  function escape(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function iso(ms) {
    return new Date(ms).toISOString().substring(0, 10);
  }

  function el(name, attributes, content) {
    var out = '<' + name;
    for (var key in attributes) {
      if (attributes[key] !== undefined && attributes[key] !== null) {
        out += ' ' + key + '="' + escape(attributes[key]) + '"';
      }
    }
    return content === undefined ? out + '/>' : out + '>' + content + '</' + name + '>';
  }

  function round(x) {
    return Math.round(x * 10) / 10;
  }

  /** An axis value with the decimals its step needs: 0.25 and 3.75, not 0.3 and 3.8. */
  function tickLabel(value) {
    return String(Math.round(value * 100) / 100);
  }

  /** Months between date ticks: the smallest of 3, 6, 12, 24 that leaves room for each label (about 48 px). */
  function tickStep(spanMs, widthPx) {
    var months = spanMs / (30.44 * DAY);
    var steps = [3, 6, 12, 24];
    for (var i = 0; i < steps.length; i++) {
      if (months / steps[i] * 48 <= widthPx) { return steps[i]; }
    }
    return Math.ceil(months * 48 / widthPx / 12) * 12;
  }

  /** A tidy upper bound for the allele-frequency axis. */
  function niceMax(max) {
    var steps = [1, 2, 5, 10, 20, 25, 50, 100];
    for (var i = 0; i < steps.length; i++) {
      if (max <= steps[i]) { return steps[i]; }
    }
    return Math.ceil(max / 10) * 10;
  }

  function toSvg(parameters, options) {
    var model = parse(parameters);
    var width = (options && options.width) || 960;
    var left = 70, right = 260, top = 24;
    var therapyRow = 26, responseRow = 46, plotHeight = 240, statusRow = 80;
    var plotTop = top + therapyRow * Math.max(1, model.therapies.length) + responseRow;
    var plotBottom = plotTop + plotHeight;
    var height = plotBottom + statusRow + Math.max(0, model.statuses.length - 4) * 12;
    var x0 = left, x1 = width - right;

    var dates = [];
    model.therapies.forEach(function (t) { dates.push(t.start, t.end); });
    model.responses.forEach(function (r) { dates.push(r.date); });
    model.variants.forEach(function (v) { v.samples.forEach(function (s) { dates.push(s.date); }); });
    model.statuses.forEach(function (s) { dates.push(s.date); });
    dates = dates.filter(function (d) { return !isNaN(d); });
    // The axis reaches the as-of date unless the data ended long before it, which would squeeze the data to one side.
    var lastData = dates.length ? Math.max.apply(null, dates) : NaN;
    var asOfOnAxis = !dates.length || model.asOf - lastData <= 180 * DAY;
    if (asOfOnAxis && !isNaN(model.asOf)) { dates.push(model.asOf); }
    var min = Math.min.apply(null, dates), max = Math.max.apply(null, dates);
    var pad = Math.max(14 * DAY, (max - min) * 0.03);
    min -= pad; max += pad;
    var x = function (ms) { return round(x0 + (ms - min) / (max - min) * (x1 - x0)); };

    var vafMax = 0;
    model.variants.forEach(function (v) { v.samples.forEach(function (s) { if (s.vaf) { vafMax = Math.max(vafMax, s.vaf); } }); });
    vafMax = niceMax(Math.max(vafMax, 1));
    var y = function (vaf) { return round(plotBottom - vaf / vafMax * plotHeight); };

    var svg = [];
    svg.push(el('rect', { x: 0, y: 0, width: width, height: height, fill: '#ffffff' }));
    svg.push(el('text', { x: x0, y: 16, 'font-size': 13, 'font-weight': 'bold', 'class': 'title' },
        escape('Resistance timeline' + (model.patient ? ' - ' + model.patient : '') + ' (as of ' + iso(model.asOf) + ')')));

    // Therapy bands: one lane each at the top, and a light band over the plot.
    model.therapies.forEach(function (t, i) {
      var laneY = top + i * therapyRow;
      var colour = t.pd1Axis ? '#4393c3' : '#92c5de';
      svg.push(el('rect', { x: x(t.start), y: plotTop, width: Math.max(2, x(t.end) - x(t.start)), height: plotHeight,
        fill: colour, 'fill-opacity': 0.10, 'class': 'therapy-band' }));
      svg.push(el('rect', { x: x(t.start), y: laneY + 4, width: Math.max(2, x(t.end) - x(t.start)), height: therapyRow - 8,
        fill: colour, 'fill-opacity': 0.8, rx: 3, 'class': 'therapy' },
        el('title', {}, escape(t.agent + ': ' + iso(t.start) + ' to ' + (t.ongoing ? 'ongoing' : iso(t.end))))));
      // The name inside its bar when it fits (about 6 px per character), else beside it in dark text.
      var barWidth = Math.max(2, x(t.end) - x(t.start));
      var inside = barWidth >= t.agent.length * 6 + 8;
      svg.push(el('text', { x: inside ? x(t.start) + 4 : x(t.start) + barWidth + 4, y: laneY + therapyRow / 2 + 4,
        'font-size': 11, fill: inside ? '#ffffff' : '#333333', 'class': 'therapy-label' }, escape(t.agent)));
    });
    if (model.firstDose) {
      svg.push(el('line', { x1: x(model.firstDose), x2: x(model.firstDose), y1: plotTop, y2: plotBottom, stroke: '#4393c3',
        'stroke-width': 1.5, 'class': 'first-dose' }));
    }

    // Response markers in their own row.
    var responseY = plotTop - responseRow / 2;
    svg.push(el('text', { x: 8, y: responseY + 4, 'font-size': 11, fill: '#333' }, 'Response'));
    var responseRowEnds = [];
    model.responses.forEach(function (r) {
      var colour = RESPONSE_COLOURS[r.category] || '#999999';
      var cx = x(r.date);
      svg.push(el('path', { d: 'M' + cx + ' ' + (responseY - 7) + ' L' + (cx + 7) + ' ' + responseY + ' L' + cx + ' ' + (responseY + 7)
        + ' L' + (cx - 7) + ' ' + responseY + ' Z', fill: colour, stroke: '#333', 'stroke-width': 0.5, 'class': 'response' },
        el('title', {}, escape(r.category + ' on ' + iso(r.date)))));
      // Two label rows, so that assessments days apart do not print over each other.
      var half = r.category.length * 3 + 2;
      var row = responseRowEnds[0] === undefined || responseRowEnds[0] < cx - half ? 0
        : (responseRowEnds[1] === undefined || responseRowEnds[1] < cx - half ? 1 : 0);
      responseRowEnds[row] = cx + half;
      svg.push(el('text', { x: cx, y: responseY - 10 - row * 11, 'font-size': 10, 'text-anchor': 'middle', fill: '#333',
        'class': 'response-label' }, escape(r.category)));
    });

    // Allele-frequency axes.
    svg.push(el('line', { x1: x0, x2: x0, y1: plotTop, y2: plotBottom, stroke: '#333' }));
    svg.push(el('line', { x1: x0, x2: x1, y1: plotBottom, y2: plotBottom, stroke: '#333' }));
    for (var k = 0; k <= 4; k++) {
      var tick = vafMax * k / 4;
      svg.push(el('line', { x1: x0 - 4, x2: x1, y1: y(tick), y2: y(tick), stroke: k === 0 ? '#333' : '#e0e0e0' }));
      svg.push(el('text', { x: x0 - 6, y: y(tick) + 4, 'font-size': 10, 'text-anchor': 'end' }, escape(tickLabel(tick))));
    }
    svg.push(el('text', { x: 14, y: (plotTop + plotBottom) / 2, 'font-size': 11,
      transform: 'rotate(-90 14 ' + ((plotTop + plotBottom) / 2) + ')', 'text-anchor': 'middle' }, 'VAF (%)'));
    var step = tickStep(max - min, x1 - x0);
    var first = new Date(min), last = new Date(max);
    for (var m = first.getUTCFullYear() * 12; m <= last.getUTCFullYear() * 12 + 11; m++) {
      if (m % step !== 0) { continue; }
      var year = Math.floor(m / 12), month = m % 12;
      var tickDate = Date.UTC(year, month, 1);
      if (tickDate < min || tickDate > max) { continue; }
      svg.push(el('line', { x1: x(tickDate), x2: x(tickDate), y1: plotBottom, y2: plotBottom + 4, stroke: '#333' }));
      svg.push(el('text', { x: x(tickDate), y: plotBottom + 15, 'font-size': 10, 'text-anchor': 'middle', 'class': 'date-tick' },
          escape(year + '-' + (month < 9 ? '0' : '') + (month + 1))));
    }
    if (!asOfOnAxis) {
      svg.push(el('text', { x: x1 + 16, y: plotBottom - 16, 'font-size': 10, fill: '#555', 'class': 'axis-note' },
          escape('Axis ends after the last result,')));
      svg.push(el('text', { x: x1 + 16, y: plotBottom - 4, 'font-size': 10, fill: '#555', 'class': 'axis-note' },
          escape(iso(lastData) + '; nothing after it to ' + iso(model.asOf) + '.')));
    }

    // One line per variant: detected samples at their VAF, negative samples at 0 (hollow).
    model.variants.forEach(function (v, i) {
      var colour = PALETTE[i % PALETTE.length];
      var points = v.samples.map(function (s) {
        return { x: x(s.date), y: y(s.detected ? (s.vaf === null ? 0 : s.vaf) : 0), sample: s };
      });
      svg.push(el('polyline', { points: points.map(function (p) { return p.x + ',' + p.y; }).join(' '), fill: 'none',
        stroke: colour, 'stroke-width': 2, 'class': 'vaf-line', 'data-variant': v.label }));
      points.forEach(function (p) {
        var s = p.sample;
        var text = v.label + ' ' + iso(s.date) + ': ' + (s.detected ? 'detected' + (s.vaf !== null ? ' VAF ' + s.vaf + ' %' : '')
          : 'not detected') + (s.specimen ? ' (' + s.specimen + ')' : '');
        svg.push(el('circle', { cx: p.x, cy: p.y, r: 4, fill: s.detected ? colour : '#ffffff', stroke: colour, 'stroke-width': 2,
          'class': 'vaf-point' }, el('title', {}, escape(text))));
      });
      var legendY = plotTop + 10 + i * 34;
      svg.push(el('line', { x1: x1 + 16, x2: x1 + 36, y1: legendY, y2: legendY, stroke: colour, 'stroke-width': 2 }));
      svg.push(el('text', { x: x1 + 42, y: legendY + 4, 'font-size': 11 }, escape(v.label)));
      svg.push(el('text', { x: x1 + 42, y: legendY + 17, 'font-size': 10, fill: '#555', 'class': 'dynamics' },
          escape(v.dynamics.join(', ') || 'single result')));
    });
    if (model.variants.length === 0) {
      svg.push(el('text', { x: (x0 + x1) / 2, y: (plotTop + plotBottom) / 2, 'font-size': 12, fill: '#777', 'text-anchor': 'middle' },
          'No variant results'));
    }

    // Status changes: a dashed line through the plot and a label below it, reasons as tooltip.
    var statusY = plotBottom + 30;
    svg.push(el('text', { x: 8, y: statusY + 4, 'font-size': 11, fill: '#333' }, 'Status'));
    var rowEnds = [];
    model.statuses.forEach(function (s) {
      var colour = STATUS_COLOURS[s.code] || '#333333';
      var sx = x(s.date);
      var mechanisms = s.mechanisms.map(function (m) { return m.code + ' (' + m.confidence + ')'; }).join(', ');
      svg.push(el('line', { x1: sx, x2: sx, y1: plotTop, y2: statusY - 6, stroke: colour, 'stroke-dasharray': '4 3',
        'stroke-width': 1.2, 'class': 'status-change' }));
      svg.push(el('circle', { cx: sx, cy: statusY, r: 5, fill: colour, 'class': 'status' },
        el('title', {}, escape(iso(s.date) + ': ' + s.display + (mechanisms ? '; ' + mechanisms : '') + '\n- '
          + s.reasons.join('\n- ')))));
      // Labels go to the first row where they do not overlap the previous label (about 5.5 px per character).
      var label = s.code + (s.mechanisms.length ? ' +' + s.mechanisms.length + ' mech.' : '');
      var row = 0;
      while (row < rowEnds.length && rowEnds[row] > sx - 2) { row++; }
      rowEnds[row] = sx + 2 + label.length * 5.5;
      svg.push(el('text', { x: sx - 2, y: statusY + 18 + row * 12, 'font-size': 10, fill: colour, 'class': 'status-label' },
          escape(label)));
    });

    return el('svg', { xmlns: 'http://www.w3.org/2000/svg', width: width, height: height,
      viewBox: '0 0 ' + width + ' ' + height, 'font-family': 'sans-serif', role: 'img',
      'aria-label': 'Resistance timeline' }, svg.join(''));
  }

  function draw(element, parameters, options) {
    element.innerHTML = toSvg(parameters, options);
    return element.firstChild;
  }

  var api = { parse: parse, toSvg: toSvg, draw: draw };
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = api;
  } else {
    root.TimelinePlot = api;
  }
})(typeof window !== 'undefined' ? window : this);
