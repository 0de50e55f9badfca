/**
 * A box that scrolls sideways when what it holds (a wide table) is wider than the space. Only
 * while it overflows does it take the keyboard's focus, so that a keyboard user can scroll it
 * with the arrow keys, and then it is a region named by `labelledBy`; otherwise it is a plain
 * box and no extra tab stop.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react'

export function ScrollBox(props: {
  /** Id of the element that names the content (the table's caption). */
  labelledBy: string
  children: ReactNode
}): ReactNode {
  const box = useRef<HTMLDivElement>(null)
  const [overflows, setOverflows] = useState(false)
  useEffect(() => {
    const el = box.current
    if (el === null) return
    const check = (): void => setOverflows(el.scrollWidth > el.clientWidth)
    check()
    const observer = new ResizeObserver(check)
    observer.observe(el)
    if (el.firstElementChild !== null) observer.observe(el.firstElementChild)
    return () => observer.disconnect()
  }, [])
  return (
    <div
      ref={box}
      className="table-scroll"
      {...(overflows ? { tabIndex: 0, role: 'region', 'aria-labelledby': props.labelledBy } : {})}
    >
      {props.children}
    </div>
  )
}
