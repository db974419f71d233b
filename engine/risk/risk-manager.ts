import type { Decimal } from 'decimal.js';
import type { Symbol as SymbolId } from '../broker.ts';
import type { Logger } from '../log.ts';
import { applyCaps } from './caps.ts';
import type { RiskConfig } from './config.ts';
import { SignalCooldown } from './cooldown.ts';
import { type DailyLossState, DailyLossTracker } from './daily-loss.ts';
import { ExposureGuard } from './exposure-guard.ts';
import { dec, quantizeDown } from './quantize.ts';
import { marginOf, riskBasedNotional } from './sizing.ts';
import { checkSpread } from './spread-check.ts';
import type { RiskContext, RiskDecision, RiskRejectReason, TradeCandidate } from './types.ts';

/** Persistable state of the RiskManager. */
export interface RiskManagerState {
  readonly dailyLoss: DailyLossState;
  readonly cooldowns: Readonly<Record<SymbolId, number>>;
  readonly knownExchangeSymbols: readonly SymbolId[];
}

export interface EvaluateOptions {
  /**
   * Notional assigned by the auction. It replaces the risk-based size (seed `notional_override`) and
   * goes through exactly the same caps (seed Bug 2).
   */
  readonly notionalOverride?: Decimal;
}

/**
 * Sizing and every pre-trade gate (SPEC §4, seed §3 Bug 2, §3b, §13, §15). `evaluate` is pure over its
 * context apart from the daily-loss rollover; the signal cooldown is a separate, once-per-signal gate
 * (`admitSignal`) because `evaluate` runs twice per candidate (sizing for the auction, then the final
 * check with the auction's grant).
 *
 * Gate order: candidate sanity → equity → system state (DEGRADED/HALTED: no new entries) → daily loss →
 * registry already holds the symbol → exchange exposure (Bug 6 layer 2) → concurrent positions → spread
 * (fail-open) → instrument → size (risk-based or override) → caps (caps.ts) → quantize ROUND_DOWN →
 * minimum quantity and $10 minimum notional.
 */
export class RiskManager {
  readonly cooldown: SignalCooldown;
  readonly dailyLoss: DailyLossTracker;
  readonly exposureGuard: ExposureGuard;

  constructor(
    readonly config: RiskConfig,
    private readonly logger: Logger,
    state?: RiskManagerState,
  ) {
    this.cooldown = new SignalCooldown(config.signal_cooldown_hours, state?.cooldowns);
    this.dailyLoss = new DailyLossTracker(
      config.daily_loss_limit_pct,
      config.daily_loss_warning_fraction,
      logger,
      state?.dailyLoss,
    );
    this.exposureGuard = new ExposureGuard();
    if (state) {
      this.exposureGuard.update(state.knownExchangeSymbols.map((symbol) => ({ symbol, qty: dec(1) })));
    }
  }

  /** Once per tick: starts a new daily-loss day at 00:00 UTC. */
  onTick(now: number, equity: Decimal): void {
    this.dailyLoss.rollover(now, equity);
  }

  /** Once per fired signal: false (logged) while the symbol is in its cooldown, else records the signal. */
  admitSignal(symbol: SymbolId, now: number): boolean {
    if (this.cooldown.admit(symbol, now)) return true;
    this.logger.debug(
      { symbol, remaining_ms: this.cooldown.remainingMs(symbol, now) },
      'Signal suppressed by cooldown',
    );
    return false;
  }

  /** Records a closed trade's net P&L for the daily loss limit. */
  recordTradeResult(netPnl: Decimal, now: number, equity: Decimal): void {
    this.dailyLoss.recordTradeResult(netPnl, now, equity);
  }

  evaluate(c: TradeCandidate, ctx: RiskContext, opts: EvaluateOptions = {}): RiskDecision {
    const cfg = this.config;

    const long = c.side === 'long';
    // The checks below pass exactly when they pass on the numbers the prices came from (when they did).
    if (
      !pricesPass(c, long) &&
      (!c.entry.isFinite() || !c.stop.isFinite() || c.entry.lte(0) || c.stop.lte(0))
    ) {
      return this.reject(c, 'INVALID_CANDIDATE', 'entry and stop must be positive prices');
    }
    if (!pricesPass(c, long) && (long ? !c.stop.lt(c.entry) : !c.stop.gt(c.entry))) {
      return this.reject(
        c,
        'INVALID_CANDIDATE',
        `stop ${c.stop} is not on the losing side of entry ${c.entry} for a ${c.side}`,
      );
    }
    if (ctx.equity.lte(0)) return this.reject(c, 'NO_EQUITY', `equity ${ctx.equity} ≤ 0`);
    if (ctx.systemState === 'HALTED')
      return this.reject(c, 'SYSTEM_HALTED', 'kill switch active: no trading');
    if (ctx.systemState === 'DEGRADED') return this.reject(c, 'SYSTEM_DEGRADED', 'DEGRADED: no new entries');

    this.dailyLoss.rollover(ctx.now, ctx.equity);
    const dl = this.dailyLoss.status();
    if (dl.blocked) {
      return this.reject(
        c,
        'DAILY_LOSS_LIMIT',
        `daily loss ${(dl.lossFraction * 100).toFixed(2)}% ≥ limit ${(dl.limitPct * 100).toFixed(2)}%`,
      );
    }

    if (ctx.activeSymbols.has(c.symbol))
      return this.reject(c, 'POSITION_EXISTS', 'registry has an active position');
    // Bug 6 layer 2: exchange truth, independent of the registry.
    if (this.exposureGuard.blocks(c.symbol, this.logger, ctx.positions)) {
      return this.reject(c, 'EXCHANGE_EXPOSURE', 'exchange shows live exposure in this symbol');
    }

    const pending = ctx.pending ?? [];
    const open = new Set<SymbolId>([...ctx.activeSymbols]);
    for (const p of ctx.positions) if (!p.qty.isZero()) open.add(p.symbol);
    for (const p of pending) open.add(p.symbol);
    if (open.size >= cfg.max_concurrent_positions) {
      return this.reject(
        c,
        'MAX_POSITIONS',
        `${open.size} positions open or opening (max ${cfg.max_concurrent_positions})`,
      );
    }

    const spread = checkSpread(c.symbol, ctx.spreads?.get(c.symbol), cfg.max_spread_pct, this.logger);
    if (!spread.ok) {
      return this.reject(
        c,
        'SPREAD_TOO_WIDE',
        `spread ${(spread.spreadPct * 100).toFixed(3)}% > ${cfg.max_spread_pct * 100}%`,
      );
    }

    const instrument = ctx.instruments.get(c.symbol);
    if (instrument === undefined) return this.reject(c, 'NO_INSTRUMENT', `no instrument for ${c.symbol}`);

    const riskNotional = riskBasedNotional(ctx.equity, cfg.risk_per_trade_pct, c.entry, c.stop);
    const requested = opts.notionalOverride ?? riskNotional;
    if (requested === null || requested.lte(0)) {
      return this.reject(c, 'INVALID_CANDIDATE', 'no positive size (zero stop distance or zero override)');
    }

    const capped = applyCaps(
      {
        symbol: c.symbol,
        requestedNotional: requested,
        equity: ctx.equity,
        marginUsed: ctx.marginUsed,
        positions: ctx.positions,
        pending,
      },
      cfg,
      this.logger,
    );
    if (!capped.ok) return this.reject(c, capped.reason, capped.detail);

    const qty = quantizeDown(capped.notional.div(c.entry), instrument.qtyStep);
    if (qty.lte(0) || qty.lt(instrument.minQty)) {
      return this.reject(c, 'BELOW_MIN_QTY', `qty ${qty} below the instrument minimum ${instrument.minQty}`);
    }
    const notional = qty.mul(c.entry);
    if (notional.lt(cfg.min_notional_viable)) {
      return this.reject(
        c,
        'BELOW_MIN_NOTIONAL',
        `notional ${notional.toFixed(2)} < min viable ${cfg.min_notional_viable}`,
      );
    }
    return {
      approved: true,
      candidate: c,
      symbol: c.symbol,
      side: c.side,
      qty,
      notional,
      margin: marginOf(notional, cfg.leverage),
      requestedNotional: requested,
      caps: capped.caps,
    };
  }
  /** A rejection, logged (a method rather than a closure per evaluation: evaluate is on the signal path). */
  private reject(c: TradeCandidate, reason: RiskRejectReason, detail: string): RiskDecision {
    this.logger.debug({ symbol: c.symbol, reason, detail }, 'Trade rejected by risk manager');
    return { approved: false, candidate: c, symbol: c.symbol, reason, detail };
  }

  snapshot(): RiskManagerState {
    return {
      dailyLoss: this.dailyLoss.snapshot(),
      cooldowns: this.cooldown.snapshot(),
      knownExchangeSymbols: [...this.exposureGuard.knownSymbols()].sort(),
    };
  }
}

/**
 * Whether the candidate's entry and stop are finite, positive and the stop on the losing side, decided on
 * the numbers they were converted from (false when there are none: then the Decimals decide).
 */
function pricesPass(c: TradeCandidate, long: boolean): boolean {
  const e = c.entryValue;
  const s = c.stopValue;
  if (e === undefined || s === undefined) return false;
  return Number.isFinite(e) && Number.isFinite(s) && e > 0 && s > 0 && (long ? s < e : s > e);
}
