/*
 * Nightbench dashboard: draws the trend page's chart with uPlot from the JSON the page carries
 * (<script type="application/json" id="trend-data">). Hovering shows, in the legend, the run under the cursor
 * and each model's value. Sets data-charts-drawn on <html> once drawn (tests and people can see the script ran)
 * and data-script-error on any error. Model names reach the page only as text (uPlot's legend uses textContent).
 */
(function () {
  'use strict';
  var root = document.documentElement;
  window.addEventListener('error', function (e) {
    root.setAttribute('data-script-error', String(e.message || e.type));
  });
  var source = document.getElementById('trend-data');
  var target = document.getElementById('trend-chart');
  if (!source || !target) {
    root.setAttribute('data-charts-drawn', '0');
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#1b7c83', '#d1242f', '#57606a'];

  function format(v) {
    if (v == null || isNaN(v)) {
      return '–';
    }
    var a = Math.abs(v);
    return (a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2)) + ' ' + data.unit;
  }

  var series = [{
    label: 'Run',
    value: function (u, x, si, i) {
      if (i == null || !data.runs[i]) {
        return '–';
      }
      var r = data.runs[i];
      return 'run ' + r.id + ' · ' + r.started + ' UTC' + (r.label ? ' · ' + r.label : '')
          + (r.status && r.status !== 'COMPLETED' ? ' · ' + r.status : '');
    }
  }];
  var columns = [data.x];
  data.series.forEach(function (s, k) {
    series.push({
      label: s.model,
      stroke: colours[k % colours.length],
      width: 2,
      spanGaps: true,
      points: { show: true, size: 7 },
      value: function (u, v) { return format(v); }
    });
    columns.push(s.values);
  });

  function width() {
    return Math.max(320, Math.min(target.clientWidth || 1000, 1400));
  }

  var chart = new uPlot({
    width: width(),
    height: 380,
    series: series,
    scales: { x: { time: true } },
    axes: [
      { label: 'run start (UTC)' },
      { label: data.label + ' (' + data.unit + ')', size: 70 }
    ],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true }
  }, columns, target);
  window.addEventListener('resize', function () {
    chart.setSize({ width: width(), height: 380 });
  });
  root.setAttribute('data-charts-drawn', String(data.series.length ? 1 : 0));
})();
