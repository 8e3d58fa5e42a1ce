"""The Jinja template of the HTML digest, kept in Python so it ships with the package as it is."""

from __future__ import annotations

CSS = r"""
:root { color-scheme: light; --ink: #1d2230; --muted: #5c6373; --faint: #8b91a1; --line: #e5e7ee;
  --bg: #f3f4f7; --card: #fff; --accent: #3b5bdb; --up: #c92a2a; --up-bg: #fff0f0; --new: #2b8a3e;
  --new-bg: #e9f9ec; --mark: #fff1b8; }
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--ink); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, "Liberation Sans", sans-serif; -webkit-font-smoothing: antialiased; }
a { color: inherit; text-decoration: none; }
.page { max-width: 1000px; margin: 0 auto; padding: 44px 32px 64px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
.eyebrow { text-transform: uppercase; letter-spacing: .14em; font-size: 12px; font-weight: 700;
  color: var(--accent); }
.masthead { padding-bottom: 28px; border-bottom: 1px solid var(--line); margin-bottom: 30px;
  display: flex; justify-content: space-between; align-items: flex-end; gap: 24px; flex-wrap: wrap; }
.masthead h1 { font-size: 40px; letter-spacing: -.025em; margin: 8px 0 6px; }
.period { color: var(--muted); margin: 0; font-size: 15px; }
.scope { display: inline-block; margin-top: 10px; font-size: 13px; color: #364fc7; background: #e7ecff;
  border-radius: 999px; padding: 3px 12px; }
.facts { display: flex; gap: 30px; }
.facts div { display: flex; flex-direction: column; }
.facts b { font-size: 30px; font-weight: 700; letter-spacing: -.02em; line-height: 1.1;
  font-variant-numeric: tabular-nums; }
.facts span { color: var(--muted); font-size: 13px; }
section { margin-bottom: 48px; }
.section-head { display: flex; align-items: baseline; gap: 14px; margin-bottom: 16px; }
.section-head h2 { font-size: 27px; letter-spacing: -.015em; }
.section-head .count { color: var(--faint); font-size: 14px; }
.kind-dot { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 10px;
  vertical-align: 2px; }
.lead { font-size: 22px; line-height: 1.45; margin: 0 0 22px; letter-spacing: -.005em; }
.lead b { font-weight: 700; }
.summary-grid { display: grid; grid-template-columns: minmax(0, 1.55fr) minmax(0, 1fr); gap: 16px;
  align-items: start; }
.stack { display: grid; gap: 16px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 16px; padding: 20px 22px;
  box-shadow: 0 1px 2px rgba(20, 24, 40, .04); }
.panel h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .1em; color: var(--muted);
  margin-bottom: 14px; }
.panel ol, .panel ul { margin: 0; padding: 0; list-style: none; }
.panel li { padding: 12px 0; border-top: 1px solid var(--line); }
.panel li:first-child { border-top: 0; padding-top: 0; }
.panel li:last-child { padding-bottom: 0; }
.panel .name { font-weight: 650; }
.panel a.name:hover { color: var(--accent); }
.panel .meta { font-size: 13px; color: var(--muted); white-space: nowrap; }
.panel .empty { color: var(--faint); font-size: 14px; margin: 0; }
.mover { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 4px 16px; align-items: center; }
.mover .figures { text-align: right; }
.mover .share { font-size: 20px; font-weight: 700; color: var(--up); font-variant-numeric: tabular-nums; }
.mover .was { display: block; font-size: 12px; color: var(--faint); }
.mover .spark { display: block; }
.snippet { grid-column: 1 / -1; font-family: Georgia, "PT Serif", "Liberation Serif", serif; font-size: 15px;
  color: #3d4352; line-height: 1.45; }
.snippet small { font-family: system-ui, sans-serif; color: var(--faint); font-size: 12px; }
.rank { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 6px 12px; align-items: baseline; }
.rank .bar { grid-column: 1 / -1; height: 5px; border-radius: 3px; background: #eef0f4; overflow: hidden; }
.rank .bar i { display: block; height: 100%; border-radius: 3px; }
.findings { margin-top: 16px; }
.findings li { font-size: 15px; padding: 9px 0; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; border-radius: 999px; padding: 2px 9px;
  white-space: nowrap; line-height: 1.5; }
.badge.up { color: var(--up); background: var(--up-bg); }
.badge.new { color: var(--new); background: var(--new-bg); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 18px; padding: 26px 30px 22px;
  margin-bottom: 18px; box-shadow: 0 1px 3px rgba(20, 24, 40, .05); }
.card-head { display: flex; gap: 16px; align-items: baseline; justify-content: space-between;
  margin-bottom: 18px; }
.card-head h3 { font-size: 22px; letter-spacing: -.015em; }
.card-head .tags { display: flex; gap: 6px; flex-shrink: 0; }
figure.quote { margin: 0 0 18px; }
figure.quote blockquote { margin: 0; padding: 0 0 0 20px; border-left: 3px solid var(--kind);
  font-family: Georgia, "PT Serif", "Liberation Serif", "Times New Roman", serif; font-size: 19px;
  line-height: 1.5; color: #232836; }
figure.quote:first-of-type blockquote { font-size: 22px; line-height: 1.45; }
figure.quote blockquote a:hover { color: var(--accent); }
figure.quote figcaption { margin: 6px 0 0 23px; font-size: 13px; color: var(--faint); }
figure.quote figcaption a { color: var(--muted); }
figure.quote figcaption a:hover { color: var(--accent); }
.numbers { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 12px 24px; align-items: center;
  border-top: 1px solid var(--line); padding-top: 16px; margin-top: 4px; }
.numbers .stats { display: flex; flex-wrap: wrap; gap: 12px 28px; }
.stat b { display: block; font-size: 19px; font-weight: 700; line-height: 1.2; font-variant-numeric: tabular-nums; }
.stat span { font-size: 12px; color: var(--faint); }
.stat.up b { color: var(--up); }
.trend { display: flex; align-items: center; }

.companies { grid-column: 1 / -1; font-size: 13px; color: var(--faint); }
.chip { display: inline-block; background: #f1f3f7; border-radius: 6px; padding: 1px 8px; margin: 2px 4px 2px 0;
  color: var(--ink); }
.figure-panel { margin-bottom: 16px; }
.figure-panel p.note { font-size: 13px; color: var(--faint); margin: 12px 0 0; }
svg text { font-family: inherit; }
.bar-kind { font-size: 11px; font-weight: 700; letter-spacing: .1em; }
.bar-label { font-size: 13px; fill: #343a46; }
.bar-value { font-size: 12px; fill: #343a46; font-weight: 700; }
.bar-share { fill: #8b91a1; font-weight: 400; }
.axis { font-size: 10px; fill: #8b91a1; }
.axis-title { font-size: 10px; fill: #8b91a1; font-style: italic; }
.stat i { font-style: normal; }
.stat i.praise { color: var(--new); }
.stat i.complaint { color: var(--up); }
table.segments { width: 100%; border-collapse: collapse; font-size: 13px; }
table.segments th { font-weight: 600; color: var(--muted); text-align: right; padding: 6px 8px; white-space: nowrap;
  border-bottom: 1px solid var(--line); vertical-align: bottom; }
table.segments th:first-child, table.segments td:first-child { text-align: left; }
table.segments th small { display: block; font-weight: 400; color: var(--faint); }
table.segments td { padding: 5px 8px; text-align: right; border-bottom: 1px solid #f0f1f5;
  font-variant-numeric: tabular-nums; }
table.segments td.cell { color: #2b3040; }
table.segments td.hot { font-weight: 700; }
.appendix .stories { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px;
  grid-auto-flow: dense; }
.appendix .story { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 12px 16px; min-width: 0; scroll-margin-top: 16px; }
.appendix .story-head { display: block; font-size: 13px; color: var(--muted); font-weight: 650; }
.appendix .story-head:hover { color: var(--accent); }
.appendix .preview { display: block; font-size: 13px; color: var(--faint); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; margin-top: 2px; }
.appendix .story-body { display: none; }
.appendix .story:target { grid-column: 1 / -1; border-color: #c5cff5; box-shadow: 0 4px 18px rgba(59, 91, 219, .12);
  padding: 18px 22px; }
.appendix .story:target .preview { display: none; }
.appendix .story:target .story-body { display: block; }
.story-text { white-space: pre-wrap; font-size: 14px; line-height: 1.6; color: #3b4150; margin-top: 10px; }
.story-text mark { background: var(--mark); color: var(--ink); border-radius: 3px; padding: 1px 0; }
.story-text mark:target { background: #ffe066; outline: 2px solid #fab005; }
.story-text .gap { color: var(--faint); }
.story-back { display: inline-block; margin-top: 10px; font-size: 13px; color: var(--accent); }
.appendix .hint { font-size: 13px; color: var(--faint); margin: -6px 0 14px; }
.colophon { border-top: 1px solid var(--line); padding-top: 16px; font-size: 12px; color: var(--faint); }
@media (max-width: 760px) { .summary-grid { grid-template-columns: 1fr; } .numbers { grid-template-columns: 1fr; }
  .masthead h1 { font-size: 30px; } .appendix .stories { grid-template-columns: 1fr; }
  .legend { grid-template-columns: 1fr; } }
@media print {
  html, body { background: #fff; }
  .page { max-width: none; padding: 0; }
  .card, .panel, .appendix .story { box-shadow: none; break-inside: avoid; }
  .appendix { break-before: page; }
  .appendix .stories { display: block; }
  .appendix .story { margin-bottom: 10px; }
  .appendix .story-body { display: block; }
  .appendix .preview, .story-back { display: none; }
}
@page { margin: 16mm 14mm; }
"""

TEMPLATE = r"""<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Дайджест сценариев · {{ p.period_line(d) }}</title>
<style>""" + CSS + r"""</style>
</head>
{% macro share_cell(share, top) -%}
<td class="cell{% if share == top and share > 0 %} hot{% endif %}"
    style="background: rgba(59, 91, 219, {{ '%.2f'|format(0.04 + 0.42 * share / top) if top else 0 }})">
  {{- percent(share) -}}
</td>
{%- endmacro %}
<body>
<main class="page">
<header class="masthead">
  <div>
    <div class="eyebrow">Дайджест клиентских историй</div>
    <h1>Что рассказывают клиенты</h1>
    <p class="period">
      {%- if d.current %}Последние {{ p.days(d) }}: {% endif %}{{ p.period_line(d) -}}
    </p>
    {% if p.scope_line(d) %}<span class="scope">{{ p.scope_line(d) }}</span>{% endif %}
  </div>
  <div class="facts">
  {% for number, word in p.facts(d) %}<div><b>{{ number }}</b><span>{{ word }}</span></div>{% endfor %}
  </div>
</header>

<section class="summary" id="summary">
  <p class="lead">{{ lead }}</p>
  <div class="summary-grid">
    <div class="panel">
      <h3>Растут · последние {{ p.days(d) }} против предыдущих</h3>
      {% if d.growing %}
      <ol>
      {% for sid in d.growing[:4] %}{% set s = d.scenario(sid) %}{% set q = p.recent_quote(d, s) %}
        <li class="mover">
          <div><a class="name" href="#s-{{ s.id }}">{{ s.name }}</a>
            <span class="badge up">{{ p.growth(s) }}</span></div>
          <div class="figures"><span class="share">{{ percent(s.current_share) }}</span>
            <span class="was">историй, было {{ percent(s.previous_share) }}</span></div>
          {% if q %}
          <a class="snippet" href="{{ quote_href(q) }}">«{{ p.short(q.text, 150) }}»
            <small>{{ p.source(q) }}</small></a>
          {% endif %}
        </li>
      {% endfor %}
      </ol>
      {% else %}
      <p class="empty">Заметно выросших сценариев нет: доли историй за последние {{ p.days(d) }}
        не выросли в {{ d.options.growth_factor }} раза.</p>
      {% endif %}
    </div>
    <div class="stack">
      <div class="panel">
        <h3>Новые</h3>
        {% if d.new %}
        <ol>
        {% for sid in d.new[:4] %}{% set s = d.scenario(sid) %}
          <li class="rank"><a class="name" href="#s-{{ s.id }}">{{ s.name }}</a>
            <span class="meta"><span class="badge new">{{ s.current }} ист.</span></span></li>
        {% endfor %}
        </ol>
        {% else %}
        <p class="empty">Новых нет: всё, о чём рассказывают сейчас, звучало и раньше.</p>
        {% endif %}
      </div>
      <div class="panel">
        <h3>Крупнейшие</h3>
        <ol>
        {% set top_share = d.scenario(d.biggest[0]).share if d.biggest else 1 %}
        {% for sid in d.biggest %}{% set s = d.scenario(sid) %}
          <li class="rank"><a class="name" href="#s-{{ s.id }}">{{ s.name }}</a>
            <span class="meta">{{ percent(s.share) }} · {{ s.stories }} ист.</span>
            <span class="bar"><i style="width: {{ '%.1f'|format(100 * s.share / top_share) }}%;
              background: {{ charts.kind_colour(s.kind) }}"></i></span></li>
        {% endfor %}
        </ol>
      </div>
    </div>
  </div>
  {% if d.segments and d.segments.findings %}
  <div class="panel findings">
    <h3>Где о чём говорят</h3>
    <ul>{% for line in d.segments.findings %}<li>{{ line }}</li>{% endfor %}</ul>
  </div>
  {% endif %}
</section>

{% for section in d.sections %}{% set colour = charts.kind_colour(section.kind) %}
<section class="kind" id="kind-{{ section.kind or 'other' }}" style="--kind: {{ colour }}">
  <div class="section-head">
    <h2><span class="kind-dot" style="background: {{ colour }}"></span>{{ section.title }}</h2>
    <span class="count">{{ plural(section.scenarios|length, SCENARIOS) }}</span>
  </div>
  {% for s in section.scenarios %}
  <article class="card" id="s-{{ s.id }}">
    <div class="card-head">
      <h3>{{ s.name }}</h3>
      <div class="tags">
        {% if s.growing %}<span class="badge up">растёт {{ p.growth(s) }}</span>{% endif %}
        {% if s.new %}<span class="badge new">новый</span>{% endif %}
      </div>
    </div>
    {% for q in s.quotes %}
    <figure class="quote">
      <blockquote><a href="{{ quote_href(q) }}">«{{ q.text }}»</a></blockquote>
      <figcaption><a href="{{ quote_href(q) }}">{{ p.source(q) }}</a></figcaption>
    </figure>
    {% endfor %}
    <div class="numbers">
      <div class="stats">
      <div class="stat"><b>{{ s.stories }}</b><span>{{ word(s.stories, STORIES) }}</span></div>
      <div class="stat"><b>{{ s.clients }}</b><span>{{ word(s.clients, CLIENTS) }}</span></div>
      <div class="stat"><b>{{ percent(s.share) }}</b><span>всех историй</span></div>
      {% if d.current %}
      <div class="stat{% if s.growing or s.new %} up{% endif %}"><b>{{ percent(s.current_share) }}</b>
        <span>за {{ p.days(d) }}, было {{ percent(s.previous_share) }}</span></div>
      {% endif %}
      {% if s.praise is not none or s.complaint is not none %}
      <div class="stat tone"><b>
        {%- if s.praise is not none %}<i class="praise">{{ percent(s.praise) }}</i>{% endif -%}
        {%- if s.praise is not none and s.complaint is not none %} · {% endif -%}
        {%- if s.complaint is not none %}<i class="complaint">{{ percent(s.complaint) }}</i>{% endif -%}
        </b><span>
          {{- ["хвалят" if s.praise is not none else "",
               "жалуются" if s.complaint is not none else ""]|select|join(" · ") -}}
        </span></div>
      {% endif %}
      </div>
      {% if d.months|length > 1 %}
      <div class="trend">
        {{- charts.trend_chart(d.months, s.trend_shares, s.trend, colour=colour, highlight=highlight,
                               title=s.name ~ ': доля историй по месяцам, ' ~ month_range)|safe -}}
      </div>
      {% endif %}
      {% set others = s.companies|rejectattr('own')|list %}
      {% if others %}
      <div class="companies">Упоминают:
        {% for c in others[:6] %}<span class="chip">{{ c.name }} · {{ c.stories }}</span>{% endfor %}
      </div>
      {% endif %}
    </div>
  </article>
  {% endfor %}
</section>
{% endfor %}

<section class="figures" id="numbers">
  <div class="section-head"><h2>Цифры</h2>
    <span class="count">{{ plural(d.total_stories, STORIES) }}, {{ plural(d.scenarios|length, SCENARIOS) }}</span>
  </div>
  <div class="panel figure-panel">
    <h3>Размер сценариев, историй</h3>
    {{ size_bars }}
  </div>
  {% if d.segments %}
  <div class="panel figure-panel">
    <h3>Сегменты: доля историй каждого {{ p.segment_title(d.segments.field) }}, где звучит сценарий</h3>
    <table class="segments">
      <thead><tr><th>Сценарий</th>
        {% for c in d.segments.columns %}<th>{{ c.label }}<small>{{ c.stories }} ист.</small></th>{% endfor %}
      </tr></thead>
      <tbody>
      {% for row in d.segments.rows %}{% set top = row.shares|max %}
        <tr><td>{{ row.name }}</td>{% for share in row.shares %}{{ share_cell(share, top) }}{% endfor %}</tr>
      {% endfor %}
      </tbody>
    </table>
  </div>
  {% endif %}
</section>

{% if appendix %}
<section class="appendix" id="stories">
  <div class="section-head"><h2>Истории целиком</h2>
    <span class="count">{{ plural(appendix|length, STORIES) }} с цитатами</span></div>
  <p class="hint">Нажмите на цитату или на историю, чтобы прочитать её целиком; цитаты в ней выделены.</p>
  <div class="stories">
  {% for st in appendix %}
  <article class="story" id="{{ st.anchor }}">
    <a class="story-head" href="#{{ st.anchor }}">{{ channel_name(st.channel, one=True)|capitalize }}
      {%- if st.date %} · {{ date_label(st.date) }}{% endif %}{% if st.title %} · «{{ st.title }}»{% endif %}</a>
    {% if st.marks %}<span class="preview">«{{ st.text[st.marks[0].start:st.marks[0].end] }}»</span>{% endif %}
    <div class="story-body">
      <div class="story-text">{{ story_html(st) }}</div>
      {% if st.marks %}<a class="story-back" href="#s-{{ st.marks[0].scenario_id }}">← к сценарию</a>{% endif %}
    </div>
  </article>
  {% endfor %}
  </div>
</section>
{% endif %}

<footer class="colophon">{{ p.colophon(d) }}</footer>
</main>
</body>
</html>
"""
