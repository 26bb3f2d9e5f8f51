"""Spreadsheets in and out (BNBA exports, annexes, registers, the BNBA import) and printable letters."""
