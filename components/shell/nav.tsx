"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const items = [
  { href: "/", label: "Overview" },
  { href: "/runs", label: "Runs" },
  { href: "/outcomes", label: "Outcomes" },
  { href: "/ownership", label: "Ownership" },
  { href: "/waste", label: "Waste" },
  { href: "/budgets", label: "Budgets" },
  { href: "/context", label: "Context" },
  { href: "/reconciliation", label: "Reconciliation", readAll: true },
  { href: "/workflows", label: "Compare workflows" },
  { href: "/ingest", label: "Ingest" },
  { href: "/settings", label: "Settings" },
];

/** `readAll`: the viewer may read all of the team's spend (managers and admins); other links need it. */
export function Nav({ readAll }: { readAll: boolean }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {items
        .filter((item) => !("readAll" in item) || readAll)
        .map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <Link key={item.href} href={item.href} aria-current={active ? "page" : undefined}>
              {item.label}
            </Link>
          );
        })}
    </nav>
  );
}
