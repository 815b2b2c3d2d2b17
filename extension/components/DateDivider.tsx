/** The day the messages under it were sent: "Today", "Yesterday", a weekday or a date. */
export function DateDivider({ label }: { readonly label: string }) {
  return (
    <div class="log-day" data-testid="date-divider">
      <span>{label}</span>
    </div>
  );
}
