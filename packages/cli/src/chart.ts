import { DateTime } from 'luxon';

/** One point of a license time series. */
export interface LicensePoint {
  /** ISO instant the point describes. */
  readonly at: string;
  readonly seats: number;
  readonly inUse: number;
}

export interface LicenseChartOptions {
  readonly orgId: string;
  /** Dates on the axis are shown in this IANA zone (the organization's). Default UTC. */
  readonly timeZone?: string;
  /** `day`, `week` or `month`: only used in the title. */
  readonly interval?: string;
}

const WIDTH = 900;
const HEIGHT = 440;
const MARGIN = { top: 56, right: 190, bottom: 84, left: 70 };
const SEATS_COLOUR = '#1f5fa8';
const IN_USE_COLOUR = '#d2461e';

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

/**
 * Renders seats and licenses in use over time as a standalone SVG line chart
 * (title, axes with labels, dates, grid lines, legend) that opens in any
 * browser. Points are placed by time, so gaps in the series show as gaps.
 */
export const renderLicenseChart = (series: readonly LicensePoint[], options: LicenseChartOptions): string => {
  const zone = options.timeZone ?? 'UTC';
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const times = series.map((p) => Date.parse(p.at));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const x = (time: number) => MARGIN.left + (last === first ? plotWidth / 2 : ((time - first) / (last - first)) * plotWidth);
  const { top, step } = niceScale(Math.max(1, ...series.map((p) => Math.max(p.seats, p.inUse))));
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const day = (at: string) => DateTime.fromISO(at, { zone: 'utc' }).setZone(zone).toISODate() ?? at.slice(0, 10);
  const range = series.length > 0 ? `${day(series[0]!.at)} – ${day(series[series.length - 1]!.at)}` : 'no data';
  const title = `Licenses of ${options.orgId}${options.interval ? ` per ${options.interval}` : ''}: ${range}`;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<desc>${escapeXml(`Seats and licenses in use for ${options.orgId}, ${series.length} points, dates in ${zone}.`)}</desc>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="30" font-size="16" font-weight="600" fill="#222">${escapeXml(title)}</text>`,
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

  // x axis: at most about 10 date labels, slanted so they never overlap
  const every = Math.max(1, Math.ceil(series.length / 10));
  series.forEach((point, index) => {
    if (index % every !== 0 && index !== series.length - 1) return;
    const px = x(times[index]!).toFixed(1);
    const baseY = MARGIN.top + plotHeight;
    parts.push(
      `<line x1="${px}" y1="${baseY}" x2="${px}" y2="${baseY + 5}" stroke="#555"/>`,
      `<text transform="translate(${px} ${baseY + 16}) rotate(-30)" text-anchor="end" fill="#444">${escapeXml(day(point.at))}</text>`,
    );
  });

  // the two lines; seats change in steps, so they are drawn as steps
  const seatsPath = series
    .map((p, i) => {
      const px = x(times[i]!).toFixed(1);
      const py = y(p.seats).toFixed(1);
      if (i === 0) return `M${px},${py}`;
      return `H${px} V${py}`;
    })
    .join(' ');
  const inUsePoints = series.map((p, i) => `${x(times[i]!).toFixed(1)},${y(p.inUse).toFixed(1)}`).join(' ');
  if (series.length > 0) {
    parts.push(
      `<path d="${seatsPath}" fill="none" stroke="${SEATS_COLOUR}" stroke-width="2" stroke-dasharray="6 4"><title>Seats</title></path>`,
      `<polyline points="${inUsePoints}" fill="none" stroke="${IN_USE_COLOUR}" stroke-width="2.5" stroke-linejoin="round"><title>Licenses in use</title></polyline>`,
    );
    if (series.length <= 60) {
      series.forEach((p, i) => {
        parts.push(
          `<circle cx="${x(times[i]!).toFixed(1)}" cy="${y(p.inUse).toFixed(1)}" r="3" fill="${IN_USE_COLOUR}"><title>${escapeXml(`${day(p.at)}: ${fmt(p.inUse)} of ${fmt(p.seats)} seats in use`)}</title></circle>`,
        );
      });
    }
  } else {
    parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" fill="#888">no data in this range</text>`);
  }

  // legend
  const lx = MARGIN.left + plotWidth + 24;
  const ly = MARGIN.top + 8;
  const lastPoint = series[series.length - 1];
  parts.push(
    `<rect x="${lx - 10}" y="${ly - 14}" width="${MARGIN.right - 24}" height="${lastPoint ? 92 : 56}" fill="#fafafa" stroke="#ccc"/>`,
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
  parts.push('</svg>');
  return parts.join('\n') + '\n';
};
