/**
 * One table for the dashboard's lists of records: a caption (visually hidden when a heading
 * already names the table), column headers with their scope, an optional row header, numbers
 * aligned to the right, and one line instead of the table when there is nothing to show.
 */
import { useId, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'
import { messageOf } from './errors.tsx'
import { ScrollBox } from './scroll-box.tsx'

/** One column: its header and how a row fills its cell. */
export interface Column<R> {
  /** Unique among the table's columns (React key). */
  readonly key: string
  readonly header: ReactNode
  readonly cell: (row: R) => ReactNode
  /** Right-aligned with figures of equal width (counts, quantities). */
  readonly numeric?: boolean
  /** The cell names its row (`<th scope="row">`); at most one column should say so. */
  readonly rowHeader?: boolean
}

/**
 * A table of `rows` in `columns`, scrolling sideways when too wide. With no row, one line stands
 * in its place: "Loading…" while `loading`, the reason when the rows could not be read
 * (`failed`: the load's error), else `empty`.
 * @param props.caption names the table for every reader; `captionHidden` keeps it for screen
 *   readers only (when a visible heading already says the same)
 * @param props.rowKey a key unique among the rows
 */
export function DataTable<R>(props: {
  caption: ReactNode
  captionHidden?: boolean
  columns: readonly Column<R>[]
  rows: readonly R[]
  rowKey: (row: R) => string
  empty: ReactNode
  loading?: boolean
  /** Why the rows could not be read (the load's error), if they could not. */
  failed?: unknown
  testId?: string
}): ReactNode {
  const { t } = useI18n()
  const captionId = useId()
  if (props.rows.length === 0)
    return props.loading === true ? (
      <p>{t('loading')}</p>
    ) : props.failed !== undefined && props.failed !== null ? (
      <p className="failure" role="status">
        {t('notRead', { message: messageOf(props.failed, t) })}
      </p>
    ) : (
      <p>{props.empty}</p>
    )
  return (
    <ScrollBox labelledBy={captionId}>
      <table {...(props.testId !== undefined ? { 'data-testid': props.testId } : {})}>
        <caption
          id={captionId}
          className={props.captionHidden === true ? 'visually-hidden' : undefined}
        >
          {props.caption}
        </caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric === true ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={props.rowKey(r)}>
              {props.columns.map((c) => {
                const className = c.numeric === true ? 'num' : undefined
                return c.rowHeader === true ? (
                  <th key={c.key} scope="row" className={className}>
                    {c.cell(r)}
                  </th>
                ) : (
                  <td key={c.key} className={className}>
                    {c.cell(r)}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  )
}
