"""Pure computations: no Django imports, ever. Frames in, frames out."""
