/** Telegram command bot (seed §12) and its answers; the fake Bot API for tests is in ./fake/server.ts. */
export { type CommandBotOptions, TelegramCommandBot } from './bot.ts';
export {
  COMMANDS,
  type CommandSpec,
  formatCommandError,
  formatHelp,
  formatPositions,
  formatStatus,
  formatTrades,
} from './commands.ts';
