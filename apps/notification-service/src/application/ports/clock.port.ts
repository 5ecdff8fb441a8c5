/** Time as the application sees it; tests substitute a controllable clock. */
export abstract class Clock {
  abstract now(): Date;
}
