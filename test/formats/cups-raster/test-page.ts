/**
 * The PostScript page the Ghostscript tests and samples/cups-raster/ are rendered from: two pages
 * of different sizes with colour and gray ramps, solid colours, a CMYK patch and text.
 * samples/cups-raster/page.ps is this same text.
 */
export const TEST_PAGE_PS = `%!PS
<< /PageSize [144 96] >> setpagedevice
0 1 63 { /i exch def i 63 div 0 0 setrgbcolor i 2 mul 72 add 0 2 24 rectfill
          0 i 63 div 0 setrgbcolor i 2 mul 72 add 24 2 24 rectfill
          0 0 i 63 div setrgbcolor i 2 mul 72 add 48 2 24 rectfill
          i 63 div setgray i 2 mul 72 add 72 2 24 rectfill } for
1 0 0 setrgbcolor 4 4 30 30 rectfill
0 0.6 1 setrgbcolor 40 40 20 0 360 arc fill
0.2 0.8 0.1 0.3 setcmykcolor 10 60 50 30 rectfill
0 setgray /Helvetica findfont 14 scalefont setfont 6 44 moveto (Gs) show
showpage
<< /PageSize [100 130] >> setpagedevice
0.9 0.5 0.1 setrgbcolor 0 0 100 130 rectfill
0 0 1 setrgbcolor 50 65 30 0 360 arc fill
1 setgray 10 10 moveto /Times-Roman findfont 20 scalefont setfont (p2) show
showpage
`;
