import { DateTime } from 'luxon';

/** One point of a license time series: the count at the end of a period (and, optionally, the period's start and peak). */
export interface LicensePoint {
  /** ISO instant the point describes: the end of its period. */
  readonly at: string;
  readonly seats: number;
  readonly inUse: number;
  /** The period's first instant (ISO); the line of the first period starts there. */
  readonly from?: string;
  /** The most licenses in use within the period, and when. */
  readonly peak?: { readonly inUse: number; readonly at: string };
}

export interface LicenseChartOptions {
  readonly orgId: string;
  /** The organization's name, shown under the title. */
  readonly name?: string;
  /** Dates on the axis are shown in this IANA zone (the organization's). Default UTC. */
  readonly timeZone?: string;
  /** `day`, `week` or `month`: the title, and how dates are labelled. */
  readonly interval?: string;
  /** The range asked for (ISO instants): the title names it and the lines stop at `to`. */
  readonly from?: string;
  readonly to?: string;
  /** When the organization was onboarded (ISO): nothing is drawn before it (a count of 0 of 0 says nothing). */
  readonly onboardedAt?: string;
}

const WIDTH = 900;
const HEIGHT = 440;
const MARGIN = { top: 64, right: 190, bottom: 84, left: 70 };
const SEATS_COLOUR = '#1f5fa8';
const IN_USE_COLOUR = '#d2461e';
const PEAK_COLOUR = '#7a1fa8';
/** The least room between two date labels (px): slanted dates are about this wide. */
export const LABEL_SPACING = 64;

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A round upper bound and step for the y axis (1, 2, 2.5 or 5 times a power of ten). */
const niceScale = (max: number): { top: number; step: number } => {
  if (max <= 0) return { top: 1, step: 1 };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough && Number.isInteger(s)) ?? Math.ceil(rough);
  return { top: Math.ceil(max / step) * step, step };
};

const fmt = (n: number): string => n.toLocaleString('en-US');

/** A step line through period values: each value holds across its whole period, up to the period's end. */
const stepPath = (xs: readonly number[], startX: number, ys: readonly number[]): string => {
  if (ys.length === 0) return '';
  const parts = [`M${startX.toFixed(1)},${ys[0]!.toFixed(1)}`, `H${xs[0]!.toFixed(1)}`];
  for (let i = 1; i < ys.length; i++) parts.push(`V${ys[i]!.toFixed(1)}`, `H${xs[i]!.toFixed(1)}`);
  return parts.join(' ');
};

/** The indexes of the points to label: the first and the last, and between them only points at least {@link LABEL_SPACING} from every other label. */
export const labelledPoints = (xs: readonly number[]): number[] => {
  if (xs.length === 0) return [];
  const last = xs.length - 1;
  const chosen = [0];
  for (let i = 1; i < last; i++) {
    if (xs[i]! - xs[chosen[chosen.length - 1]!]! >= LABEL_SPACING && xs[last]! - xs[i]! >= LABEL_SPACING) chosen.push(i);
  }
  if (last > 0 && xs[last]! - xs[chosen[chosen.length - 1]!]! >= LABEL_SPACING) chosen.push(last);
  else if (last > 0) chosen[chosen.length - 1] = last;
  return chosen;
};

/**
 * Renders seats and licenses in use over time as a standalone SVG chart
 * (title with the organization's name, axes with labels, dates, grid lines,
 * legend) that opens in any browser. Both lines are steps, each period's
 * count held across the period, so in use is never drawn above the seats; the
 * highest peak is marked. The lines start at the first period (or at the
 * onboarding, when it falls later) and stop at `to`.
 */
export const renderLicenseChart = (all: readonly LicensePoint[], options: LicenseChartOptions): string => {
  const zone = options.timeZone ?? 'UTC';
  const onboarded = options.onboardedAt !== undefined ? Date.parse(options.onboardedAt) : Number.NEGATIVE_INFINITY;
  const stop = options.to !== undefined ? Date.parse(options.to) : Number.POSITIVE_INFINITY;
  // Periods that ended before the organization existed hold nothing worth drawing.
  const series = all.filter((p) => Date.parse(p.at) >= onboarded);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const times = series.map((p) => Math.min(Date.parse(p.at), stop));
  const firstFrom = series[0]?.from !== undefined ? Date.parse(series[0].from) : times[0] ?? 0;
  const first = Math.min(Math.max(firstFrom, onboarded), times[0] ?? firstFrom);
  const last = times.length > 0 ? times[times.length - 1]! : first;
  const x = (time: number) => MARGIN.left + (last === first ? plotWidth / 2 : ((time - first) / (last - first)) * plotWidth);
  const peaks = series.map((p) => p.peak?.inUse ?? p.inUse);
  const { top, step } = niceScale(Math.max(1, ...series.map((p) => Math.max(p.seats, p.inUse)), ...peaks));
  // Some room above the top grid line, so neither the lines nor the peak mark run along the plot's edge.
  const ceiling = top * 1.08;
  const y = (value: number) => MARGIN.top + plotHeight - (value / ceiling) * plotHeight;
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' }).setZone(zone);
  const day = (ms: number) => local(ms).toISODate() ?? new Date(ms).toISOString().slice(0, 10);
  const label = (ms: number) => (options.interval === 'month' ? local(ms).toFormat('yyyy-MM') : day(ms));
  const rangeFrom = options.from !== undefined ? Date.parse(options.from) : Date.parse(all[0]?.at ?? '');
  const rangeTo = options.to !== undefined ? Date.parse(options.to) : Date.parse(all[all.length - 1]?.at ?? '');
  const range = all.length > 0 ? `${day(rangeFrom)} – ${day(rangeTo)}` : 'no data';
  const title = `Licenses of ${options.orgId}${options.interval ? ` per ${options.interval}` : ''}: ${range}`;
  const subtitle = `${options.name !== undefined ? `${options.name} · ` : ''}seats and licenses in use at the end of each ${options.interval ?? 'period'}, ${zone}`;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<desc>${escapeXml(`Seats and licenses in use for ${options.name ?? options.orgId} (${options.orgId}), ${series.length} points, dates in ${zone}.`)}</desc>`,
    `<defs><marker id="period-end" viewBox="0 0 10 10" refX="5" refY="5" markerUnits="userSpaceOnUse" markerWidth="${series.length <= 60 ? 6 : 3}" markerHeight="${series.length <= 60 ? 6 : 3}"><circle cx="5" cy="5" r="5" fill="${IN_USE_COLOUR}"/></marker></defs>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="28" font-size="16" font-weight="600" fill="#222">${escapeXml(title)}</text>`,
    `<text class="organization" x="${MARGIN.left}" y="47" font-size="13" fill="#555">${escapeXml(subtitle)}</text>`,
  );

  // y axis: grid lines and values
  for (let value = 0; value <= top + 1e-9; value += step) {
    const py = y(value).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + plotWidth}" y2="${py}" stroke="${value === 0 ? '#555' : '#e3e3e3'}" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle" fill="#444">${fmt(value)}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotHeight}" stroke="#555" stroke-width="1"/>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#222">Licenses</text>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle" fill="#222">Date (${escapeXml(zone)})</text>`,
  );

  // x axis: dates far enough apart never to overlap, the last one always shown
  const xs = times.map(x);
  for (const index of labelledPoints(xs)) {
    const px = xs[index]!.toFixed(1);
    const baseY = MARGIN.top + plotHeight;
    parts.push(
      `<line x1="${px}" y1="${baseY}" x2="${px}" y2="${baseY + 5}" stroke="#555"/>`,
      `<text class="date" transform="translate(${px} ${baseY + 16}) rotate(-30)" text-anchor="end" fill="#444">${escapeXml(label(times[index]!))}</text>`,
    );
  }

  if (series.length > 0) {
    const startX = x(first);
    parts.push(
      // Seats dashed over in use: at full use both stay visible.
      `<path class="in-use" d="${stepPath(xs, startX, series.map((p) => y(p.inUse)))}" fill="none" stroke="${IN_USE_COLOUR}" stroke-width="2.5" stroke-linejoin="round"><title>Licenses in use</title></path>`,
      `<path class="seats" d="${stepPath(xs, startX, series.map((p) => y(p.seats)))}" fill="none" stroke="${SEATS_COLOUR}" stroke-width="2" stroke-dasharray="6 4"><title>Seats</title></path>`,
      // The counts at the end of each period, one dot each.
      `<polyline points="${series.map((p, i) => `${xs[i]!.toFixed(1)},${y(p.inUse).toFixed(1)}`).join(' ')}" class="period-ends" fill="none" stroke="none" marker-start="url(#period-end)" marker-mid="url(#period-end)" marker-end="url(#period-end)"/>`,
    );
    if (series.length <= 60) {
      series.forEach((p, i) => {
        parts.push(
          `<circle cx="${xs[i]!.toFixed(1)}" cy="${y(p.inUse).toFixed(1)}" r="6" fill="transparent"><title>${escapeXml(`${label(times[i]!)}: ${fmt(p.inUse)} of ${fmt(p.seats)} seats in use`)}</title></circle>`,
        );
      });
    }
  } else {
    parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" fill="#888">no data in this range</text>`);
  }

  // the highest peak within the periods, where it happened
  const peakIndex = series.reduce<number>((best, p, i) => (p.peak !== undefined && (best < 0 || p.peak.inUse > series[best]!.peak!.inUse) ? i : best), -1);
  const peak = peakIndex >= 0 ? series[peakIndex]!.peak! : undefined;
  if (peak) {
    const px = x(Math.min(Math.max(Date.parse(peak.at), first), last)).toFixed(1);
    const py = y(peak.inUse);
    parts.push(
      `<path class="peak" d="M${px},${(py - 2).toFixed(1)} l-6,-10 h12 z" fill="${PEAK_COLOUR}"><title>${escapeXml(`Peak: ${fmt(peak.inUse)} in use at ${local(Date.parse(peak.at)).toFormat('yyyy-MM-dd HH:mm')}`)}</title></path>`,
    );
  }

  // legend
  const lx = MARGIN.left + plotWidth + 24;
  const ly = MARGIN.top + 8;
  const lastPoint = series[series.length - 1];
  parts.push(
    `<rect x="${lx - 10}" y="${ly - 14}" width="${MARGIN.right - 24}" height="${lastPoint ? (peak ? 150 : 92) : 56}" fill="#fafafa" stroke="#ccc"/>`,
    `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${SEATS_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<text x="${lx + 36}" y="${ly}" dominant-baseline="middle" fill="#222">Seats</text>`,
    `<line x1="${lx}" y1="${ly + 24}" x2="${lx + 28}" y2="${ly + 24}" stroke="${IN_USE_COLOUR}" stroke-width="2.5"/>`,
    `<text x="${lx + 36}" y="${ly + 24}" dominant-baseline="middle" fill="#222">Licenses in use</text>`,
  );
  if (lastPoint) {
    parts.push(
      `<text x="${lx}" y="${ly + 50}" fill="#444">Last: ${fmt(lastPoint.inUse)} of ${fmt(lastPoint.seats)}</text>`,
      `<text x="${lx}" y="${ly + 68}" fill="#444">${fmt(lastPoint.seats - lastPoint.inUse)} available</text>`,
    );
  }
  if (lastPoint && peak) {
    parts.push(
      `<path d="M${lx + 14},${ly + 96} l-6,-10 h12 z" fill="${PEAK_COLOUR}"/>`,
      `<text x="${lx + 36}" y="${ly + 91}" dominant-baseline="middle" fill="#222">Peak: ${fmt(peak.inUse)} in use</text>`,
      `<text x="${lx}" y="${ly + 116}" fill="#444">${escapeXml(local(Date.parse(peak.at)).toFormat('yyyy-MM-dd HH:mm'))}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
};
