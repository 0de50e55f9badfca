/**
 * What the logistics domain needs from outside: storage (implemented by src/store) and a linear
 * programming solver (implemented by src/compute/highs-solver.ts). The domain itself stays pure.
 *
 * Concurrency: every record people edit concurrently carries a `version`. A use case reads,
 * decides with the pure functions of this folder, and writes with the version(s) it read; when
 * another writer got there first the write fails with a {@link ConflictError} and writes nothing,
 * and the use case reads again and decides again. So concurrent writers never lose an update.
 */
import type { DispatchEvent, DispatchOrder } from './dispatch.ts'
import type { ExpectedVersions, LedgerState, Movement } from './ledger.ts'
import type { RequestEvent, SupplyRequest } from './requests.ts'
import type { EvacuationEvent, Shelter } from './shelters.ts'
import type { AreaId, Depot, DepotId, DispatchId, RequestId, ShelterId } from './types.ts'

/**
 * Another writer changed what the caller read. Nothing of the failed write was stored; read
 * again and retry.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError'
  /** What was written to, e.g. `stock depot-1/life-jacket` or `shelter s-12`. */
  readonly subject: string
  readonly expectedVersion: number
  readonly actualVersion: number

  constructor(subject: string, expectedVersion: number, actualVersion: number) {
    super(
      `${subject}: expected version ${expectedVersion}, another writer has taken it to ` +
        `${actualVersion}; read again and retry`,
    )
    this.subject = subject
    this.expectedVersion = expectedVersion
    this.actualVersion = actualVersion
  }
}

/** Depots. */
export interface DepotRepository {
  list(): Promise<Depot[]>
  /** @returns the depot, or undefined when there is none with this id */
  find(id: DepotId): Promise<Depot | undefined>
  /**
   * Creates (`expectedVersion` 0, stored as version 0) or replaces a depot; a replacement is
   * stored with version `expectedVersion + 1`.
   * @throws ConflictError when the stored version is not `expectedVersion`
   */
  save(depot: Depot, expectedVersion: number): Promise<Depot>
}

/**
 * The stock ledger, append-only. Movements are stored in the order appended; the stock is their
 * sum (ledger.ts `balances`), never a number overwritten in place.
 *
 * Contract of {@link LedgerRepository.append}: the movement is stored only if every stock line
 * it touches is still at the version in `expected.lines` and every depot it adds stock to is
 * still at the version in `expected.depots` (build `expected` with `expectedVersions(state, m)`
 * from the state the movement was checked against with `applyMovement`). Line versions make two
 * issues of the same stock conflict; depot versions make two receipts into the same free volume
 * conflict. Versions then move on by one for each line and depot touched. A movement id already
 * stored is refused (an idempotent re-send is recognised by the caller through `find`).
 */
export interface LedgerRepository {
  /**
   * @throws ConflictError when a version moved on; nothing is stored
   * @throws Error when the movement id is already stored
   */
  append(movement: Movement, expected: ExpectedVersions): Promise<void>
  /** Every movement, in the order appended. */
  movements(): Promise<Movement[]>
  /**
   * One page of the movements that touched a depot's stock (either end of a transfer), in the
   * order appended: at most `limit` after skipping the first `after`, with how many there are
   * in all.
   */
  depotMovements(
    depotId: DepotId,
    after: number,
    limit: number,
  ): Promise<{ movements: Movement[]; total: number }>
  /** The current state (the same as `balances(await movements())`), with its versions. */
  state(): Promise<LedgerState>
}

/** Dispatch orders as event streams. */
export interface DispatchRepository {
  /**
   * Appends events to an order's stream; `expectedVersion` is the number of events read.
   * @throws ConflictError when the stream has more events than `expectedVersion`
   */
  append(id: DispatchId, expectedVersion: number, events: readonly DispatchEvent[]): Promise<void>
  /** @returns the order's events in order (empty when there is none) */
  events(id: DispatchId): Promise<DispatchEvent[]>
  /** Orders not yet acknowledged nor cancelled, replayed. */
  open(): Promise<DispatchOrder[]>
  /** Every order, whatever its state, replayed. */
  all(): Promise<DispatchOrder[]>
}

/** Shelters and the evacuation of each area. */
export interface ShelterRepository {
  list(): Promise<Shelter[]>
  /** @returns the shelter, or undefined when there is none with this id */
  find(id: ShelterId): Promise<Shelter | undefined>
  /**
   * Stores a shelter whose `version` is `expectedVersion + 1` (a new one: `expectedVersion` 0
   * and version 0), with its location (WGS84 degrees) or, when it has none, without.
   * @throws ConflictError when the stored version is not `expectedVersion`
   */
  save(shelter: Shelter, expectedVersion: number): Promise<void>
  /**
   * Appends evacuation events of an area; `expectedVersion` is the number of events read.
   * @throws ConflictError when the stream has more events than `expectedVersion`
   */
  appendEvacuation(
    areaId: AreaId,
    expectedVersion: number,
    events: readonly EvacuationEvent[],
  ): Promise<void>
  evacuationEvents(areaId: AreaId): Promise<EvacuationEvent[]>
}

/** Requests from posts as event streams. */
export interface RequestRepository {
  /**
   * @throws ConflictError when the stream has more events than `expectedVersion`
   */
  append(id: RequestId, expectedVersion: number, events: readonly RequestEvent[]): Promise<void>
  events(id: RequestId): Promise<RequestEvent[]>
  /** Requests not yet fulfilled, refused or withdrawn, replayed. */
  open(): Promise<SupplyRequest[]>
}

// --- linear programming ------------------------------------------------------------------------

/**
 * Simplex basis status of a column or row, as HiGHS numbers them: 0 at its lower bound,
 * 1 basic, 2 at its upper bound, 3 zero (free), 4 non-basic otherwise.
 */
export type BasisStatus = 0 | 1 | 2 | 3 | 4

/** A simplex basis: one status per column and per row. */
export interface LpBasis {
  readonly colStatus: Int32Array
  readonly rowStatus: Int32Array
}

/**
 * A linear programme `min cᵀx  s.t.  rowLower ≤ A x ≤ rowUpper,  colLower ≤ x ≤ colUpper`, with
 * A stored column-wise (CSC: the entries of column j are at `starts[j] … starts[j+1] − 1`).
 * Infinite bounds are ±Infinity.
 */
export interface LpModel {
  readonly numCols: number
  readonly numRows: number
  readonly colCost: Float64Array
  readonly colLower: Float64Array
  readonly colUpper: Float64Array
  readonly rowLower: Float64Array
  readonly rowUpper: Float64Array
  readonly starts: Int32Array
  readonly indices: Int32Array
  readonly values: Float64Array
  /**
   * A basis to start from (e.g. the optimal basis of a model with the same layout); a solver
   * may ignore it. It changes how fast, never what the optimum is.
   */
  readonly startBasis?: LpBasis
}

/** How a solve ended. Only `optimal` carries a solution a plan may be built from. */
export type LpStatus =
  | 'optimal'
  | 'infeasible'
  | 'unbounded'
  | 'infeasible-or-unbounded'
  | 'time-limit'
  | 'iteration-limit'
  | 'error'
  | 'unknown'

/** The outcome of a solve. */
export interface LpSolution {
  readonly status: LpStatus
  /** The objective value at `colValue`. */
  readonly objective: number
  /** Primal values, one per column. */
  readonly colValue: Float64Array
  /** The final basis, when the solver has one. */
  readonly basis?: LpBasis
  /** Simplex (or interior-point) iterations. */
  readonly iterations: number
}

/** A linear programming solver. */
export interface LpSolver {
  /**
   * Solves `model` to optimality (or says why not).
   * @throws Error when the model is malformed (a programmer error) or the solver fails to run
   */
  solve(model: LpModel): Promise<LpSolution>
}
