import { dayToSeconds, secondsToDay } from '../format';

describe('date inputs', () => {
  it('turns a day into local midnight, or the one N days later', () => {
    expect(dayToSeconds('2026-11-25')).toBe(new Date(2026, 10, 25).getTime() / 1000);
    expect(dayToSeconds('2026-12-31', 1)).toBe(new Date(2027, 0, 1).getTime() / 1000);
  });

  it('gives undefined for an empty or malformed value', () => {
    expect(dayToSeconds('')).toBeUndefined();
    expect(dayToSeconds('25.11.2026')).toBeUndefined();
  });

  it('shows seconds as the local day, and nothing for none', () => {
    const noon = new Date(2026, 10, 25, 12).getTime() / 1000;
    expect(secondsToDay(noon)).toBe('2026-11-25');
    expect(secondsToDay(dayToSeconds('2026-02-03'))).toBe('2026-02-03');
    expect(secondsToDay(undefined)).toBe('');
    expect(secondsToDay(null)).toBe('');
  });
});
