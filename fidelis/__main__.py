from fidelis.cli import main

main()
