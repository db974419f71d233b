import { describe, expect, it } from 'vitest';
import { UserError } from '../../data/errors.ts';
import { alertSettingsFromEnv, describeAlertSettings } from './config.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('alert settings from the environment', () => {
  it('nothing set: no sinks, no commands, seed defaults', () => {
    const s = alertSettingsFromEnv({});
    expect(s).toEqual({
      telegram: null,
      webhook: null,
      queueCapacity: 100,
      rateWindowMs: 300_000,
      commands: false,
    });
    expect(describeAlertSettings(s)).toBe('none (alerts are only logged)');
  });

  it('seed convention: the token is extracted from a Telegram ALERT_WEBHOOK_URL and its origin is the API root', () => {
    const s = alertSettingsFromEnv({
      ALERT_WEBHOOK_URL: `https://api.telegram.org/bot${TOKEN}/sendMessage`,
      ALERT_CHAT_ID: '5550123',
    });
    expect(s.telegram).toEqual({ token: TOKEN, chatId: '5550123', apiRoot: 'https://api.telegram.org' });
    expect(s.webhook).toBeNull();
    expect(s.commands).toBe(true);
    expect(describeAlertSettings(s)).not.toContain(TOKEN);
  });

  it('a non-Telegram URL is a JSON webhook; with TELEGRAM_BOT_TOKEN both sinks run', () => {
    const s = alertSettingsFromEnv({
      ALERT_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/secretpart',
      ALERT_WEBHOOK_FORMAT: 'discord',
      TELEGRAM_BOT_TOKEN: TOKEN,
      ALERT_CHAT_ID: '-100123',
      TELEGRAM_COMMANDS: 'off',
      ALERT_QUEUE_CAPACITY: '20',
      ALERT_RATE_LIMIT_SECONDS: '60',
    });
    expect(s.webhook).toEqual({ url: 'https://discord.com/api/webhooks/1/secretpart', format: 'discord' });
    expect(s.telegram?.chatId).toBe('-100123');
    expect(s.commands).toBe(false);
    expect(s.queueCapacity).toBe(20);
    expect(s.rateWindowMs).toBe(60_000);
    expect(describeAlertSettings(s)).toBe(
      'telegram(chat -100123, api.telegram.org) + webhook(discord.com, discord)',
    );
  });

  it('blank values count as unset (an EnvironmentFile line `ALERT_WEBHOOK_URL=`)', () => {
    expect(alertSettingsFromEnv({ ALERT_WEBHOOK_URL: '', ALERT_CHAT_ID: ' ' }).telegram).toBeNull();
  });

  it.each([
    [{ TELEGRAM_BOT_TOKEN: TOKEN }, /ALERT_CHAT_ID is missing/],
    [{ ALERT_CHAT_ID: '42' }, /ALERT_CHAT_ID is set but there is no Telegram bot token/],
    [{ ALERT_WEBHOOK_URL: 'not a url' }, /ALERT_WEBHOOK_URL: must be an http\(s\) URL/],
    [{ TELEGRAM_BOT_TOKEN: 'abc', ALERT_CHAT_ID: '1' }, /TELEGRAM_BOT_TOKEN: must look like/],
    [{ ALERT_CHAT_ID: 'me', TELEGRAM_BOT_TOKEN: TOKEN }, /ALERT_CHAT_ID: must be a numeric/],
    [{ ALERT_QUEUE_CAPACITY: '0' }, /ALERT_QUEUE_CAPACITY/],
    [{ ALERT_WEBHOOK_FORMAT: 'teams' }, /ALERT_WEBHOOK_FORMAT/],
  ])('refuses %o naming the variable', (env, re) => {
    expect(() => alertSettingsFromEnv(env)).toThrow(UserError);
    expect(() => alertSettingsFromEnv(env)).toThrow(re);
  });

  it('never puts the token in an error message', () => {
    let msg = '';
    try {
      alertSettingsFromEnv({ TELEGRAM_BOT_TOKEN: TOKEN });
    } catch (err) {
      msg = (err as Error).message;
    }
    expect(msg).not.toBe('');
    expect(msg).not.toContain(TOKEN);
  });
});
