"use client";

import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useState } from "react";

/**
 * The sidebar: a column beside the page on a wide screen; on a phone a bar with the brand and a
 * Menu button that opens the navigation (closed again on every page change).
 */
export function Sidebar({ brand, children }: { brand: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes the menu when the page changes
  useEffect(() => setOpen(false), [pathname]);
  return (
    <aside className={open ? "sidebar open" : "sidebar"}>
      <div className="sidebar-top">
        {brand}
        <button
          type="button"
          className="menu-toggle secondary"
          aria-expanded={open}
          aria-controls="sidebar-menu"
          onClick={() => setOpen(!open)}
        >
          {open ? "Close" : "Menu"}
        </button>
      </div>
      <div className="sidebar-menu" id="sidebar-menu">
        {children}
      </div>
    </aside>
  );
}
