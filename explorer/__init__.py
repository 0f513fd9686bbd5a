"""Pure builders behind the Streamlit explorer: link checking, curves, figures, files.

Nothing here imports Streamlit, so every builder is tested as a plain function.
``import dynweights`` never loads this package.
"""
