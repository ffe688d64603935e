"use client";

import { useState } from "react";

/**
 * Copies a value (an API key, a webhook URL) to the clipboard and says so. Where the clipboard API
 * is missing (a plain-http address other than localhost), it says to select and copy by hand.
 */
export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <button type="button" className="secondary copy-button" onClick={copy} aria-live="polite">
      {state === "copied" ? "Copied" : state === "failed" ? "Select and copy (no clipboard here)" : label}
    </button>
  );
}
