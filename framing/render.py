"""Rendering a per-source :class:`~framing.report.Report`: table, markdown, CSV and HTML.

The HTML report is one self-contained file: inline CSS and SVG charts, no script, no font, no
network request, so it opens the same on an air-gapped laptop and can be mailed as is.

Every format says how many articles were left out of the scores and why (see
:data:`framing.scoring.EXCLUSIONS`): the table and markdown in a "left out" column when any
were, the CSV in fixed count columns, the HTML in a note per source and a legend.
"""

from __future__ import annotations

import csv
import html
import io

from framing.markers import FAMILIES
from framing.report import Report, SourceReport
from framing.scoring import EXCLUSIONS

_FAMILY_COLOURS = {
    "narrative": "#c0392b", "loaded": "#e67e22", "syndication": "#8e44ad",
    "ai": "#2980b9", "hygiene": "#16a085", "structure": "#7f8c8d",
}
_BAND_COLOURS = {"reliable": "#1e8449", "mixed": "#b7950b", "unreliable": "#a93226",
                 "insufficient evidence": "#7f8c8d"}


def _score_cell(source: SourceReport, target: str) -> str:
    s = source.scores.get(target)
    return "-" if s is None else f"{s.mean:.2f} [{s.low:.2f}-{s.high:.2f}]"


def _links_text(source: SourceReport) -> str:
    parts = []
    for link in source.links:
        if link["source"] == source.source:
            parts.append(f"republishes {link['origin']} ({link['passages']} passage(s))")
        else:
            parts.append(f"republished by {link['source']} ({link['passages']} passage(s))")
    return "; ".join(parts)


def _left_out_text(source: SourceReport, targets: list[str]) -> str:
    """``not_english 2; pro_kremlin_framing: off_topic 3, low_confidence 1`` ('' if none)."""
    parts = []
    if source.not_scored:
        parts.append(", ".join(f"{r} {n}" for r, n in source.not_scored.items()))
    for target in targets:
        reasons = source.excluded.get(target)
        if reasons:
            parts.append(f"{target}: " + ", ".join(f"{r} {n}" for r, n in reasons.items()))
    return "; ".join(parts)


def _any_left_out(report: Report) -> bool:
    return any(_left_out_text(s, report.targets) for s in report.sources)


def _reasons_in(report: Report) -> list[str]:
    """The exclusion reasons that occur in the report, in :data:`EXCLUSIONS` order."""
    seen = set(report.not_scored)
    for reasons in report.excluded.values():
        seen.update(reasons)
    return [r for r in EXCLUSIONS if r in seen] + sorted(seen - set(EXCLUSIONS))


def _legend_lines(report: Report) -> list[str]:
    """One line per reason that occurs: what it means and how many articles it left out."""
    lines = []
    for reason in _reasons_in(report):
        if reason in report.not_scored:
            count = f"{report.not_scored[reason]} article(s) not scored"
        else:
            count = ", ".join(f"{t} {r[reason]}" for t, r in report.excluded.items()
                              if r.get(reason))
        lines.append(f"{reason}: {EXCLUSIONS.get(reason, 'left out')} ({count})")
    return lines


def _unscored_note(report: Report) -> str:
    """`` (2 without a score)`` when some articles had none, else ''."""
    unscored = sum(report.not_scored.values())
    return f" ({unscored} without a score)" if unscored else ""


def _top_markers_text(source: SourceReport, most: int = 3) -> str:
    return ", ".join(f"{m['marker_id']} x{m['articles']}" for m in source.top_markers[:most])


def render_table(report: Report) -> str:
    """A plain-text table, one source a row, widest columns last."""
    left_out = _any_left_out(report)
    header = ["source", "n", "band", *report.targets, "AI", "homoglyph", "known",
              *(["left out"] if left_out else []), "top markers"]
    rows = []
    for s in report.sources:
        known = (s.known_rating or "-") + (" (!)" if s.disagreement else "")
        rows.append([s.source, str(s.articles), s.band,
                     *[_score_cell(s, t) for t in report.targets],
                     f"{s.share_ai:.0%}", f"{s.share_homoglyph:.0%}", known,
                     *([_left_out_text(s, report.targets) or "-"] if left_out else []),
                     _top_markers_text(s)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for s in report.sources:
        text = _links_text(s)
        if text:
            lines.append(f"{s.source}: {text}")
    lines.append(f"\n{report.articles} article(s) from {len(report.sources)} source(s); "
                 f"(!) = the model's band disagrees with the known rating")
    legend = _legend_lines(report)
    if legend:
        lines.append("left out of the scores, intervals and bands:")
        lines.extend(f"  {line}" for line in legend)
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """A GitHub-flavoured markdown report: summary table, then one section per source."""
    out = io.StringIO()
    out.write(f"# Source report\n\n{report.articles} article(s){_unscored_note(report)}, "
              f"{len(report.sources)} source(s), generated {report.generated}.\n\n")
    left_out = _any_left_out(report)
    out.write("| source | articles | band | " + " | ".join(report.targets)
              + " | AI | homoglyph | known rating |" + (" left out |" if left_out else "")
              + "\n")
    out.write("|---|---|---|" + "---|" * len(report.targets) + "---|---|---|"
              + ("---|" if left_out else "") + "\n")
    for s in report.sources:
        known = (s.known_rating or "-") + (" **disagrees**" if s.disagreement else "")
        out.write(f"| {_md(s.source)} | {s.articles} | {s.band} | "
                  + " | ".join(_score_cell(s, t) for t in report.targets)
                  + f" | {s.share_ai:.0%} | {s.share_homoglyph:.0%} | {known} |"
                  + (f" {_md(_left_out_text(s, report.targets) or '-')} |" if left_out else "")
                  + "\n")
    legend = _legend_lines(report)
    if legend:
        out.write("\nLeft out of the scores, intervals and bands:\n\n"
                  + "".join(f"- {_md(line)}\n" for line in legend))
    for s in report.sources:
        out.write(f"\n## {_md(s.source)}\n\n{s.band}: {s.band_reason}.\n")
        text = _left_out_text(s, report.targets)
        if text:
            out.write(f"\nLeft out: {_md(text)}.\n")
        if s.narratives:
            out.write("\nNarratives asserted:\n\n")
            for entry in s.narratives:
                out.write(f"- {_md(entry['narrative'])}: {entry['articles']} article(s) "
                          f"({entry['share']:.0%})\n")
        if s.top_markers:
            out.write("\nTop markers:\n\n")
            for m in s.top_markers:
                out.write(f"- `{m['marker_id']}` ({m['family']}) in {m['articles']} article(s), "
                          f"e.g. \"{_md(m['example'])}\"\n")
        links = _links_text(s)
        if links:
            out.write(f"\nShared text: {links}.\n")
            for link in s.links:
                for example in link["examples"][:1]:
                    out.write(f"\n> {_md(example['text_a'][:300])}\n")
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_csv(report: Report) -> str:
    """One row per source with the summary columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    score_cols = [f"{t}_{k}" for t in report.targets for k in ("mean", "low", "high",
                                                               "share_above")]
    family_cols = [f"{f}_articles" for f in FAMILIES]
    # Fixed columns for the documented reasons, whether they occur or not; others as they come.
    unscored = _with_others(("not_english", "too_short"), report.not_scored)
    excluded = _with_others(("off_topic", "low_confidence"),
                            {r for reasons in report.excluded.values() for r in reasons})
    left_cols = ([f"not_scored_{r}" for r in unscored]
                 + [f"{t}_{k}" for t in report.targets for k in ("n", *excluded)])
    writer.writerow(["source", "articles", "band", *score_cols, *left_cols, *family_cols,
                     "share_ai", "share_homoglyph", "known_rating", "disagreement", "links"])
    for s in report.sources:
        scores = []
        for t in report.targets:
            summary = s.scores.get(t)
            scores += (["", "", "", ""] if summary is None else
                       [f"{summary.mean:.4f}", f"{summary.low:.4f}", f"{summary.high:.4f}",
                        f"{summary.share_above:.4f}"])
        left = [s.not_scored.get(r, 0) for r in unscored]
        for t in report.targets:
            summary = s.scores.get(t)
            left.append(summary.n if summary else 0)
            left += [s.excluded.get(t, {}).get(r, 0) for r in excluded]
        writer.writerow([s.source, s.articles, s.band, *scores, *left,
                         *[s.families[f]["articles"] for f in FAMILIES],
                         f"{s.share_ai:.4f}", f"{s.share_homoglyph:.4f}", s.known_rating or "",
                         int(s.disagreement), _links_text(s)])
    return buffer.getvalue()


def _with_others(fixed: tuple[str, ...], seen) -> list[str]:
    return [*fixed, *sorted(set(seen) - set(fixed))]


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem}
h3{font-size:1.05rem;margin:0 0 .3rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border-bottom:1px solid #e3e3e3;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.band{color:#fff;border-radius:3px;padding:.05rem .4rem;font-size:.8rem;white-space:nowrap}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:1rem;margin:1rem 0}
.muted{color:#666;font-size:.85rem}.warn{color:#a93226;font-weight:600}
blockquote{margin:.4rem 0;padding:.3rem .8rem;border-left:3px solid #8e44ad;background:#f7f2fa}
svg text{font:11px system-ui,sans-serif;fill:#333}
.legend span{display:inline-block;margin-right:1rem;font-size:.8rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
.left-out{color:#7d5a00;font-size:.85rem}
.wide{overflow-x:auto}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _band_html(band: str) -> str:
    return f'<span class="band" style="background:{_BAND_COLOURS[band]}">{_e(band)}</span>'


def _score_chart(report: Report, target: str) -> str:
    """Mean probability per source with its 95% interval, as horizontal bars."""
    rows = [s for s in report.sources if target in s.scores]
    if not rows:
        return ""
    label_w, bar_w, row_h = 220, 520, 20
    height = row_h * len(rows) + 30
    parts = [f'<svg role="img" aria-label="{_e(target)} by source" width="{label_w + bar_w + 60}"'
             f' height="{height}" viewBox="0 0 {label_w + bar_w + 60} {height}">']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = label_w + tick * bar_w
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height - 20}" stroke="#ddd"/>'
                     f'<text x="{x}" y="{height - 5}" text-anchor="middle">{tick:g}</text>')
    for i, s in enumerate(rows):
        summary = s.scores[target]
        y = i * row_h + 4
        colour = _BAND_COLOURS[s.band]
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">'
                     f'{_e(s.source[:32])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{summary.mean * bar_w:.1f}" '
                     f'height="{row_h - 8}" fill="{colour}" opacity="0.75">'
                     f'<title>{_e(s.source)}: {summary.mean:.3f} ({summary.n} articles)</title>'
                     f'</rect>')
        parts.append(f'<line x1="{label_w + summary.low * bar_w:.1f}" y1="{y + 8}" '
                     f'x2="{label_w + summary.high * bar_w:.1f}" y2="{y + 8}" stroke="#222" '
                     f'stroke-width="1.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _family_chart(report: Report) -> str:
    """Share of each source's articles with a finding of each family, as grouped bars."""
    label_w, cell_w, row_h = 220, 80, 20
    families = list(FAMILIES)
    width = label_w + cell_w * len(families) + 10
    height = row_h * len(report.sources) + 30
    parts = [f'<svg role="img" aria-label="marker families by source" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">']
    for j, family in enumerate(families):
        parts.append(f'<text x="{label_w + j * cell_w + cell_w / 2}" y="12" '
                     f'text-anchor="middle">{_e(family)}</text>')
    for i, s in enumerate(report.sources):
        y = i * row_h + 20
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">'
                     f'{_e(s.source[:32])}</text>')
        for j, family in enumerate(families):
            share = s.families[family]["articles"] / s.articles if s.articles else 0
            x = label_w + j * cell_w + 4
            parts.append(f'<rect x="{x}" y="{y + 3}" width="{(cell_w - 8) * share:.1f}" '
                         f'height="{row_h - 8}" fill="{_FAMILY_COLOURS[family]}">'
                         f'<title>{_e(s.source)}: {share:.0%} of articles with {_e(family)}'
                         f'</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _trend_chart(source: SourceReport, target: str) -> str:
    points = [(row["month"], row["means"][target]) for row in source.trend
              if target in row["means"]]
    if len(points) < 2:
        return ""
    width, height, pad = 520, 140, 30
    step = (width - 2 * pad) / (len(points) - 1)
    coords = [(pad + i * step, height - pad - v * (height - 2 * pad))
              for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f'<svg role="img" aria-label="monthly {_e(target)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
             f'stroke="#ccc"/>',
             f'<polyline points="{path}" fill="none" stroke="#2c3e50" stroke-width="2"/>']
    for (x, y), (month, value) in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2c3e50">'
                     f'<title>{_e(month)}: {value:.3f}</title></circle>')
    parts.append(f'<text x="{pad}" y="{height - 8}">{_e(points[0][0])}</text>'
                 f'<text x="{width - pad}" y="{height - 8}" text-anchor="end">'
                 f'{_e(points[-1][0])}</text></svg>')
    return "".join(parts)


def _exclusions_legend_html(report: Report) -> str:
    """What the 'left out' counts mean: every reason, with the run's total where it occurs."""
    items = []
    for reason, meaning in EXCLUSIONS.items():
        counts = []
        if report.not_scored.get(reason):
            counts.append(f"{report.not_scored[reason]} article(s)")
        counts += [f"{t} {r[reason]}" for t, r in report.excluded.items() if r.get(reason)]
        items.append(f"<b>{_e(reason)}</b>: {_e(meaning)}"
                     + (f" ({_e(', '.join(counts))})" if counts else ""))
    return ('<p class="muted left-out-legend">Left out of a target\'s mean, interval, share '
            "and band (counted per source under &ldquo;left out&rdquo;): "
            + "; ".join(items) + ".</p>")


def render_html(report: Report) -> str:
    """The self-contained HTML report."""
    legend = "".join(f'<span><i style="background:{c}"></i>{_e(f)}</span>'
                     for f, c in _FAMILY_COLOURS.items())
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>framing source report</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>Source report</h1>",
        f'<p class="muted">{report.articles} article(s){_unscored_note(report)} from '
        f"{len(report.sources)} source(s), generated {_e(report.generated)} by framing. "
        f"Band rule: fewer than "
        f"{report.min_articles} articles is insufficient evidence; otherwise the 95% interval "
        f"of the mean {_e('unreliable_source')} probability at or above "
        f"{1 - report.margin:.2f} is unreliable, at or below {report.margin:.2f} reliable, "
        f"else mixed.</p>",
        _exclusions_legend_html(report),
        '<h2>Summary</h2><div class="wide"><table><thead><tr><th>source</th><th>articles</th>'
        "<th>band</th>",
        *[f"<th>{_e(t)}</th>" for t in report.targets],
        "<th>AI</th><th>homoglyph</th><th>known rating</th><th>left out</th>"
        "<th>shared text</th></tr></thead><tbody>",
    ]
    for s in report.sources:
        known = _e(s.known_rating or "-")
        if s.disagreement:
            known += ' <span class="warn">disagrees</span>'
        out.append(f"<tr><td>{_e(s.source)}</td><td>{s.articles}</td>"
                   f"<td>{_band_html(s.band)}</td>"
                   + "".join(f"<td>{_e(_score_cell(s, t))}</td>" for t in report.targets)
                   + f"<td>{s.share_ai:.0%}</td><td>{s.share_homoglyph:.0%}</td>"
                   f"<td>{known}</td><td>{_e(_left_out_text(s, report.targets) or '-')}</td>"
                   f"<td>{_e(_links_text(s))}</td></tr>")
    out.append("</tbody></table></div>")
    for target in report.targets:
        chart = _score_chart(report, target)
        if chart:
            out.append(f"<h2>{_e(target)} by source</h2><p class=\"muted\">Mean probability, "
                       f"line: 95% interval; colour: band.</p>{chart}")
    out.append(f'<h2>Marker families by source</h2><p class="legend">{legend}</p>'
               f"{_family_chart(report)}")
    out.append("<h2>Sources</h2>")
    for s in report.sources:
        out.append(f'<section class="card" id="{_e(s.source)}"><h3>{_e(s.source)} '
                   f"{_band_html(s.band)}</h3><p class=\"muted\">{_e(s.band_reason)}</p>")
        left_out = _left_out_text(s, report.targets)
        if left_out:
            out.append(f'<p class="left-out">Left out of the scores: {_e(left_out)}</p>')
        if s.narratives:
            out.append("<table><tr><th>narrative asserted</th><th>articles</th><th>share</th>"
                       "</tr>" + "".join(
                           f"<tr><td>{_e(entry['narrative'])}</td><td>{entry['articles']}</td>"
                           f"<td>{entry['share']:.0%}</td></tr>" for entry in s.narratives)
                       + "</table>")
        if s.top_markers:
            out.append("<table><tr><th>marker</th><th>family</th><th>articles</th>"
                       "<th>example</th></tr>")
            for m in s.top_markers:
                out.append(f"<tr><td>{_e(m['marker_id'])}</td><td>{_e(m['family'])}</td>"
                           f"<td>{m['articles']}</td><td>{_e(m['example'])}</td></tr>")
            out.append("</table>")
        for link in s.links:
            role = ("republishes " + link["origin"] if link["source"] == s.source
                    else "republished by " + link["source"])
            out.append(f"<p><b>{_e(role)}</b>: {link['passages']} shared passage(s)</p>")
            for example in link["examples"][:2]:
                out.append(f"<blockquote>{_e(example['text_a'][:400])}</blockquote>")
        for target in report.targets:
            chart = _trend_chart(s, target)
            if chart:
                out.append(f"<p class=\"muted\">monthly mean {_e(target)}</p>{chart}")
        out.append("</section>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
